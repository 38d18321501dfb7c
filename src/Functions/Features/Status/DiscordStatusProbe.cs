using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Features.Health;

namespace Serverless.Functions.Features.Status;

/// <summary>Asks Discord who the bot is: the cheapest call that proves the token is accepted.</summary>
/// <remarks>
/// The client is cheap to build: the HTTP pipeline is made on its first call, not with the router on a cold start.
/// While <see cref="DiscordTokenState"/> says Discord rejected the token, it answers <c>unauthorized</c> without
/// asking: each 401 spends Discord's invalid-request budget. Any 2xx bot call clears that state; so does this probe,
/// which asks again at most once per <see cref="HealthOptions.RejectedTokenRecheckInterval"/> after the last 401.
/// </remarks>
public sealed class DiscordStatusProbe(
    DiscordRestClient discord,
    DiscordCredentials credentials,
    DiscordTokenState tokenState,
    IOptions<HealthOptions> options,
    TimeProvider timeProvider) : IDiscordStatusProbe
{
    private const string Rejected = "Discord rejected the bot token";

    // When this instance last asked while the token was known to be rejected (UTC ticks).
    private long _lastRecheckTicks;

    public async Task<DiscordStatus> CheckAsync(CancellationToken cancellationToken)
    {
        if (!credentials.IsConfigured)
        {
            return new DiscordStatus(DependencyState.NotConfigured, Problem: "Discord__BotToken is not set (nor Discord__BotTokenFile, Discord__BotTokenSecretUri)");
        }

        if (tokenState.RejectedAt is { } rejectedAt && !TryStartRecheck(rejectedAt))
        {
            return new DiscordStatus(DependencyState.Unauthorized, Problem: Rejected);
        }

        try
        {
            var bot = await discord.GetCurrentUserAsync(cancellationToken);
            return new DiscordStatus(DependencyState.Ok, bot.Username);
        }
        catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.Unauthorized)
        {
            return new DiscordStatus(DependencyState.Unauthorized, Problem: Rejected);
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DiscordStatus(DependencyState.Unreachable, Problem: "Discord did not answer");
        }
    }

    /// <summary>True for the one caller that may ask now: the interval has passed since the 401 and since the last re-check.</summary>
    private bool TryStartRecheck(DateTimeOffset rejectedAt)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var interval = options.Value.RejectedTokenRecheckInterval.Ticks;
        while (true)
        {
            var last = Volatile.Read(ref _lastRecheckTicks);
            if (now - Math.Max(last, rejectedAt.UtcTicks) < interval)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _lastRecheckTicks, now, last) == last)
            {
                return true;
            }
        }
    }
}
