using System.Globalization;
using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Admin;

/// <summary>Who may run <c>/admin</c>, bound from <c>Bot__*</c> by <see cref="AdminFeature"/>.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Bot";

    /// <summary>
    /// Comma-separated Discord user ids. Empty: the application's owner, or its team's members, as Discord lists them
    /// (asked at most every <see cref="BotOwners.ApplicationOwnersCacheDuration"/>).
    /// </summary>
    public string? Owners { get; set; }

    /// <summary>The ids of <see cref="Owners"/>; empty when unset. Assumes the options were validated.</summary>
    public IReadOnlySet<ulong> OwnerIds() =>
        (Owners ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => ulong.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture))
            .ToHashSet();
}

public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bad = (options.Owners ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(id => !ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value == 0)
            .ToList();

        // The value is a list of ids, not a secret: naming the bad entries helps fix them.
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Bot__Owners must be Discord user ids separated by commas; these are not: {string.Join(", ", bad.Select(id => id.Length > 30 ? id[..30] + "…" : id))}.");
    }
}
