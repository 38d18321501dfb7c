using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Discord.Rest;
using Serverless.Ports.Sessions;

namespace Serverless.Companion.Hosting;

/// <summary>
/// Runs first. Sets the Lavalink session to resume from the last run before the Lavalink client starts, and learns the
/// bot's user id from <c>GET /users/@me</c>: a gateway session resumed after a restart gets no READY to read it from,
/// yet voice must tell the bot's own voice events from others' and Lavalink's handshake needs it.
/// </summary>
public sealed partial class CompanionStartup(
    ILavalinkSessionStore lavalinkSessions,
    LavalinkConnectionInputs lavalinkInputs,
    VoiceStateTracker voiceStates,
    DiscordRestClient discord,
    DiscordCredentials credentials,
    TimeProvider timeProvider,
    ILogger<CompanionStartup> logger) : BackgroundService
{
    private static readonly TimeSpan SessionLoadTimeout = TimeSpan.FromSeconds(5);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(SessionLoadTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            lavalinkInputs.ResumeSessionId = await lavalinkSessions.LoadAsync(linked.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // Not fatal: without it the companion starts a new Lavalink session and rebuilds the players.
            Log.SessionLoadFailed(logger, exception);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        var refusals = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var me = await discord.GetCurrentUserAsync(stoppingToken);
                voiceStates.SetBotUser(me.Id);
                lavalinkInputs.SetBotUserId(me.Id);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (DiscordUnauthorizedException)
            {
                // The REST client has re-read the token once already; asking before the next read is allowed would only
                // spend the invalid-request budget. Once the secret is replaced, the next ask recovers on its own.
                var now = timeProvider.GetUtcNow();
                var next = credentials.NextRefreshAt > now ? credentials.NextRefreshAt : now + TimeSpan.FromSeconds(5);
                if (refusals++ == 0)
                {
                    Log.TokenRefused(logger, credentials.SourceDescription, next);
                }

                await Task.Delay(next - now, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception exception)
            {
                Log.BotUserLookupFailed(logger, exception, delay.TotalSeconds);
                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Could not read the saved Lavalink session; starting a new one")]
        public static partial void SessionLoadFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Could not read the bot's user (GET /users/@me); retrying in {DelaySeconds} s")]
        public static partial void BotUserLookupFailed(ILogger logger, Exception exception, double delaySeconds);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Critical, Message = "Discord refused the bot token (GET /users/@me answered 401) and {Source} holds no new one: asking again after {NextRefreshAt:O}, once a refresh interval, until the token is replaced")]
        public static partial void TokenRefused(ILogger logger, string source, DateTimeOffset nextRefreshAt);
    }
}

/// <summary>Runs the gateway's shards for the life of the process; stopping closes them resumably.</summary>
public sealed class GatewayRunner(Discord.Gateway.GatewayShardManager gateway) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => gateway.RunAsync(stoppingToken);
}

/// <summary>Saves each new Lavalink session id, so the next start resumes it, then hands the event on to the music service.</summary>
public sealed partial class LavalinkSessionRecorder(
    ILavalinkEventHandler inner,
    ILavalinkSessionStore store,
    ILogger<LavalinkSessionRecorder> logger) : ILavalinkEventHandler
{
    public async Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken)
    {
        if (!resumed)
        {
            try
            {
                await store.SaveAsync(sessionId, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SaveFailed(logger, exception);
            }
        }

        await inner.OnReadyAsync(sessionId, resumed, cancellationToken);
    }

    public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken) =>
        inner.OnPlayerUpdateAsync(guildId, state, cancellationToken);

    public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken) =>
        inner.OnEventAsync(lavalinkEvent, cancellationToken);

    public Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken) =>
        inner.OnDisconnectedAsync(reason, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "Could not save the Lavalink session id; a restart will start a new session")]
        public static partial void SaveFailed(ILogger logger, Exception exception);
    }
}
