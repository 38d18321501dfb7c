using Microsoft.Extensions.Logging;
using Serverless.Discord.Rest;
using Serverless.Ports.Sessions;

namespace Serverless.Discord.Gateway;

/// <summary>
/// Runs every shard of the bot: learns the shard count, URL and identify budget from <c>GET /gateway/bot</c>
/// (count and URL can be overridden), shares one <see cref="GatewayIdentifyLimiter"/> between shards, and attaches
/// them to the <see cref="GatewayShardRegistry"/> through which gateway commands (op 4) reach the shard that owns a guild.
/// </summary>
public sealed partial class GatewayShardManager
{
    private readonly IGatewayBotInfoSource _botInfoSource;
    private readonly IGatewayConnector _connector;
    private readonly IGatewaySessionStore _sessionStore;
    private readonly IGatewayDispatchHandler _dispatchHandler;
    private readonly GatewayShardRegistry _registry;
    // Between two asks when the credentials allow a read already (a fixed token never changes).
    private static readonly TimeSpan MinimumTokenWait = TimeSpan.FromSeconds(5);

    private readonly DiscordCredentials _credentials;
    private bool _tokenRefusalLogged;
    private readonly GatewayOptions _options;
    private readonly Uri? _gatewayUrlOverride;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly GatewayMetrics? _metrics;
    private volatile string? _problem;

    public GatewayShardManager(
        IGatewayBotInfoSource botInfoSource,
        IGatewayConnector connector,
        IGatewaySessionStore sessionStore,
        IGatewayDispatchHandler dispatchHandler,
        GatewayShardRegistry registry,
        DiscordCredentials credentials,
        GatewayOptions options,
        Uri? gatewayUrlOverride,
        TimeProvider time,
        Random random,
        ILoggerFactory loggerFactory,
        GatewayMetrics? metrics = null)
    {
        _botInfoSource = botInfoSource ?? throw new ArgumentNullException(nameof(botInfoSource));
        _connector = connector ?? throw new ArgumentNullException(nameof(connector));
        _sessionStore = sessionStore ?? throw new ArgumentNullException(nameof(sessionStore));
        _dispatchHandler = dispatchHandler ?? throw new ArgumentNullException(nameof(dispatchHandler));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _gatewayUrlOverride = gatewayUrlOverride;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        _logger = loggerFactory.CreateLogger<GatewayShardManager>();
        _metrics = metrics;
    }

    /// <summary>The shards, once <see cref="RunAsync"/> has learnt how many there are; empty before.</summary>
    public IReadOnlyList<GatewayShardClient> Shards => _registry.Shards;

    /// <summary>Why the shards could not start (the token was refused by <c>GET /gateway/bot</c>), or null.</summary>
    public string? Problem => _problem;

    /// <summary>The identify budget shared by the shards; null before <see cref="RunAsync"/> has read it.</summary>
    public GatewayIdentifyLimiter? IdentifyLimiter { get; private set; }

    /// <summary>Every shard's state for the health endpoint.</summary>
    public IReadOnlyList<GatewayShardStatus> GetShardStatuses() => [.. Shards.Select(shard => shard.GetStatus())];

    /// <summary>Discord's routing: <c>(guild_id &gt;&gt; 22) % shard_count</c>.</summary>
    public static int ShardIdFor(ulong guildId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return (int)((guildId >> 22) % (ulong)shardCount);
    }

    /// <summary>Runs all shards until cancelled, or until every shard has failed for good. Never throws for either.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await GetGatewayBotAsync(cancellationToken);
            if (info is null)
            {
                return;
            }

            var shardCount = _options.ShardCount ?? Math.Max(1, info.Shards);
            var url = _gatewayUrlOverride ?? info.Url;
            var limiter = new GatewayIdentifyLimiter(info.SessionStartLimit, _time, _loggerFactory.CreateLogger<GatewayIdentifyLimiter>());
            IdentifyLimiter = limiter;
            _metrics?.Attach(limiter);
            var shards = Enumerable.Range(0, shardCount)
                .Select(shardId => new GatewayShardClient(
                    shardId, shardCount, url, _credentials, _options, _connector, limiter, _sessionStore, _dispatchHandler, _time, _random,
                    _loggerFactory.CreateLogger<GatewayShardClient>(), _metrics))
                .ToArray();
            Log.Starting(_logger, shardCount, url, limiter.MaxConcurrency, info.SessionStartLimit.Remaining, info.SessionStartLimit.Total);
            _registry.Attach(shards);

            // The identify limiter orders the identifies; resumes go straight ahead.
            await Task.WhenAll(shards.Select(shard => shard.RunAsync(cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _registry.Close(_problem ?? "The gateway shards never started.");
        }
    }

    private async Task<GatewayBotInfo?> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await _botInfoSource.GetGatewayBotAsync(cancellationToken);
            }
            catch (DiscordUnauthorizedException) when (!_credentials.CanRotate)
            {
                // A fixed token never changes: retrying it only adds invalid requests toward Cloudflare's ban.
                _problem = "Discord refused the bot token (401 on GET /gateway/bot); the gateway will not start.";
                Log.UnauthorizedForGood(_logger);
                return null;
            }
            catch (DiscordUnauthorizedException)
            {
                // The REST client has already re-read the token once and retried; another call before the next read is
                // allowed would only add invalid requests toward Cloudflare's ban. Wait for it, then ask again.
                var next = _credentials.NextRefreshAt;
                var now = _time.GetUtcNow();
                next = next > now ? next : now + MinimumTokenWait;
                _problem = $"Discord refused the bot token (401 on GET /gateway/bot) and {_credentials.SourceDescription} holds no new one; asking again after {next:O}.";
                if (!_tokenRefusalLogged)
                {
                    _tokenRefusalLogged = true;
                    Log.Unauthorized(_logger, _credentials.SourceDescription, next);
                }
                else
                {
                    Log.StillUnauthorized(_logger, _credentials.SourceDescription, next);
                }

                await _time.DelayUntilAsync(next, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = GatewayTiming.Backoff(failures, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _random);
                _problem = "GET /gateway/bot failed; retrying.";
                Log.GatewayBotFailed(_logger, exception, failures, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
                _problem = null;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7130, Level = LogLevel.Information, Message = "Starting {ShardCount} gateway shards on {Url}: max_concurrency {MaxConcurrency}, {Remaining} of {Total} daily identifies left")]
        public static partial void Starting(ILogger logger, int shardCount, Uri url, int maxConcurrency, int remaining, int total);

        [LoggerMessage(EventId = 7131, Level = LogLevel.Warning, Message = "GET /gateway/bot failed ({Failures} in a row); retrying in {DelayMs:0} ms")]
        public static partial void GatewayBotFailed(ILogger logger, Exception exception, int failures, double delayMs);

        [LoggerMessage(EventId = 7132, Level = LogLevel.Critical, Message = "Discord refused the bot token on GET /gateway/bot (401): the gateway will not start. Check Discord__BotToken")]
        public static partial void UnauthorizedForGood(ILogger logger);

        [LoggerMessage(EventId = 7134, Level = LogLevel.Critical, Message = "Discord refused the bot token on GET /gateway/bot (401) and {Source} holds no new one: the gateway waits, asking again after {NextRefreshAt:O} until the token is replaced")]
        public static partial void Unauthorized(ILogger logger, string source, DateTimeOffset nextRefreshAt);

        [LoggerMessage(EventId = 7133, Level = LogLevel.Warning, Message = "Discord still refuses the bot token on GET /gateway/bot; {Source} holds no new one; asking again after {NextRefreshAt:O}")]
        public static partial void StillUnauthorized(ILogger logger, string source, DateTimeOffset nextRefreshAt);
    }
}

/// <summary><see cref="IGatewayBotInfoSource"/> over the REST client's <c>GET /gateway/bot</c>.</summary>
public sealed class RestGatewayBotInfoSource(DiscordRestClient restClient) : IGatewayBotInfoSource
{
    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        var payload = await restClient.GetGatewayBotAsync(cancellationToken);
        if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var url))
        {
            throw new InvalidOperationException("GET /gateway/bot returned no usable url.");
        }

        // Without session_start_limit (an old or partial answer) assume the documented defaults: 1000 a day, one at a time.
        var limit = payload.SessionStartLimit;
        return new GatewayBotInfo(
            url,
            Math.Max(1, payload.Shards),
            limit is null
                ? new GatewaySessionStartLimit(1000, 1000, TimeSpan.FromDays(1), 1)
                : new GatewaySessionStartLimit(limit.Total, limit.Remaining, TimeSpan.FromMilliseconds(limit.ResetAfter), Math.Max(1, limit.MaxConcurrency)));
    }
}
