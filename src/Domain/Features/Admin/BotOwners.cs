using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Admin;

/// <summary>The application's owners as Discord lists them: its owner, or every member of the team that owns it.</summary>
public interface IApplicationOwnerLookup
{
    Task<IReadOnlyCollection<ulong>> GetOwnerIdsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Whether a user is one of the bot's owners: <c>Bot__Owners</c> when set, else the application's owner or team from
/// Discord, remembered for <see cref="ApplicationOwnersCacheDuration"/> so <c>/admin</c> costs no call most of the time.
/// </summary>
public sealed class BotOwners(IOptions<AdminOptions> options, IApplicationOwnerLookup? applicationOwners, TimeProvider timeProvider)
{
    public static readonly TimeSpan ApplicationOwnersCacheDuration = TimeSpan.FromMinutes(10);

    private readonly IReadOnlySet<ulong> _configured = options.Value.OwnerIds();
    private IReadOnlyCollection<ulong>? _cached;
    private DateTimeOffset _cachedAt;

    /// <summary>True or false; null when the owners could not be learned (Discord unreachable and nothing cached).</summary>
    public async Task<bool?> IsOwnerAsync(ulong userId, CancellationToken cancellationToken)
    {
        if (_configured.Count > 0)
        {
            return _configured.Contains(userId);
        }

        var owners = await GetApplicationOwnersAsync(cancellationToken);
        return owners?.Contains(userId);
    }

    private async Task<IReadOnlyCollection<ulong>?> GetApplicationOwnersAsync(CancellationToken cancellationToken)
    {
        if (applicationOwners is null)
        {
            return null;
        }

        if (_cached is { } fresh && timeProvider.GetUtcNow() - _cachedAt < ApplicationOwnersCacheDuration)
        {
            return fresh;
        }

        // Two owners at once may both ask Discord: rare, and cheaper than serializing every check.
        try
        {
            var owners = await applicationOwners.GetOwnerIdsAsync(cancellationToken);
            _cachedAt = timeProvider.GetUtcNow();
            _cached = owners;
            return owners;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The last list known stays good: an owner must not be locked out by a Discord hiccup.
            return _cached;
        }
    }
}
