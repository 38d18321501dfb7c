using Microsoft.Extensions.Options;

namespace Serverless.Domain.Controls;

/// <summary>
/// The <c>Limits</c> section (environment: <c>Limits__*</c>): the default token buckets of the command limits. A
/// bucket is a command group, the name of the feature that owns the command or button (<c>music</c>, <c>schedule</c>).
/// <c>Limits__User__Capacity</c>/<c>Limits__User__Per</c> and <c>Limits__Guild__…</c> apply to every bucket;
/// <c>Limits__Buckets__music__User__Capacity</c> and friends replace them for one bucket. An operator's
/// <see cref="LimitOverride"/> replaces both for one user or guild.
/// </summary>
public sealed class CommandLimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>False turns command limits off (kill switches and guild blocks still apply).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Each user, per bucket, across guilds.</summary>
    public LimitPolicyOptions User { get; set; } = new() { Capacity = 10, Per = TimeSpan.FromSeconds(30) };

    /// <summary>Each guild's members together, per bucket.</summary>
    public LimitPolicyOptions Guild { get; set; } = new() { Capacity = 60, Per = TimeSpan.FromSeconds(30) };

    /// <summary>Per-bucket replacements of <see cref="User"/> and <see cref="Guild"/>, by bucket (feature) name.</summary>
    public Dictionary<string, BucketLimitOptions> Buckets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The default policy of <paramref name="bucket"/> for a subject of <paramref name="kind"/>.</summary>
    public LimitPolicy PolicyFor(LimitSubjectKind kind, string bucket)
    {
        var own = Buckets.TryGetValue(bucket, out var perBucket)
            ? (kind == LimitSubjectKind.User ? perBucket.User : perBucket.Guild)
            : null;
        return (own ?? (kind == LimitSubjectKind.User ? User : Guild)).ToPolicy();
    }
}

public sealed class LimitPolicyOptions
{
    /// <summary>Commands allowed at once; 0 refuses every command of the bucket.</summary>
    public int Capacity { get; set; }

    /// <summary>The time in which the whole capacity refills.</summary>
    public TimeSpan Per { get; set; }

    public LimitPolicy ToPolicy() => new(Capacity, Per);
}

public sealed class BucketLimitOptions
{
    public LimitPolicyOptions? User { get; set; }

    public LimitPolicyOptions? Guild { get; set; }
}

public sealed class CommandLimitOptionsValidator : IValidateOptions<CommandLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(options.User, "Limits__User", failures);
        Check(options.Guild, "Limits__Guild", failures);
        foreach (var (bucket, limits) in options.Buckets)
        {
            if (limits.User is { } user)
            {
                Check(user, $"Limits__Buckets__{bucket}__User", failures);
            }

            if (limits.Guild is { } guild)
            {
                Check(guild, $"Limits__Buckets__{bucket}__Guild", failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(LimitPolicyOptions? policy, string key, List<string> failures)
    {
        if (policy is null)
        {
            return;
        }

        if (policy.Capacity < 0 || policy.Capacity > 100_000)
        {
            failures.Add($"{key}__Capacity must be between 0 and 100000.");
        }

        if (policy.Per <= TimeSpan.Zero || policy.Per > TimeSpan.FromDays(1))
        {
            failures.Add($"{key}__Per must be positive and at most 1.00:00:00.");
        }
    }
}
