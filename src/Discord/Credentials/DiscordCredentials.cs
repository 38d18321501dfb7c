using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Discord.Credentials;

namespace Serverless.Discord.Rest;

/// <summary>
/// The bot token in use, kept apart from options so that it is read in one place and never logged. When Discord
/// refuses it (a REST 401, gateway close 4004), <see cref="RefreshAfterUnauthorizedAsync"/> reads the token again from
/// its <see cref="IBotTokenSource"/>, at most once per refresh interval, so a rotated secret is picked up without a
/// restart and a dead token does not send a stream of invalid requests to Discord.
/// </summary>
public sealed partial class DiscordCredentials
{
    public static readonly TimeSpan DefaultRefreshMinInterval = TimeSpan.FromMinutes(1);

    // A source that hangs must not hold every caller; they fall back to "unchanged".
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private readonly IBotTokenSource? _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile string? _token;
    private Task<string?>? _load;
    private Task<bool>? _refresh;
    private DateTimeOffset? _lastRefreshAt;
    private string? _rejected;

    /// <summary>A token that never changes (tests, callers that hold the token themselves).</summary>
    public DiscordCredentials(string? botToken)
        : this(string.IsNullOrWhiteSpace(botToken) ? null : new FixedBotTokenSource(botToken), TimeProvider.System, DefaultRefreshMinInterval)
    {
        _token = string.IsNullOrWhiteSpace(botToken) ? null : botToken.Trim();
        _load = Task.FromResult(_token);
    }

    /// <param name="source">Where the token is read; null when no setting names one.</param>
    /// <param name="minInterval">The least time between two reads after a refusal.</param>
    public DiscordCredentials(IBotTokenSource? source, TimeProvider timeProvider, TimeSpan minInterval, ILogger<DiscordCredentials>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _source = source;
        _time = timeProvider;
        _minInterval = minInterval;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>True when a setting names where the token comes from.</summary>
    public bool IsConfigured => _source is not null;

    /// <summary>
    /// True when reading the source again can give another token (not a fixed one): only then does a refusal lead to
    /// waiting for a new token rather than stopping.
    /// </summary>
    public bool CanRotate => _source is not null and not FixedBotTokenSource;

    /// <summary>Names the token's source for logs and messages (never the token).</summary>
    public string SourceDescription => _source?.Description ?? "no source (set Discord__BotToken, Discord__BotTokenFile or Discord__BotTokenSecretUri)";

    /// <summary>The token in use now; null until <see cref="GetBotTokenAsync"/> first read it, or when none is configured.</summary>
    public string? BotToken => _token;

    /// <summary>When a refusal may next lead to a read of the source (the last read plus the interval).</summary>
    public DateTimeOffset NextRefreshAt
    {
        get
        {
            lock (_gate)
            {
                return _lastRefreshAt is { } last ? last + _minInterval : DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>The token in use, read from the source on first use. Throws <see cref="DiscordApiException"/> when there is none.</summary>
    public async Task<string> GetBotTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } current)
        {
            return current;
        }

        if (_source is null)
        {
            throw new DiscordApiException($"The bot token is not configured: {SourceDescription}.");
        }

        Task<string?> load;
        lock (_gate)
        {
            // A failed first read is not kept: the next call tries again.
            load = _load is { IsFaulted: false } ? _load : _load = Task.Run(() => LoadAsync(_source));
        }

        var token = await load.WaitAsync(cancellationToken);
        return token ?? throw new DiscordApiException($"The bot token could not be read from {_source.Description}.");
    }

    /// <summary>
    /// True while <paramref name="token"/> is known to be refused: a read after its refusal found nothing newer, and
    /// the interval has not passed. Callers fail fast instead of spending Discord's invalid-request budget.
    /// </summary>
    public bool IsKnownRejected(string token)
    {
        lock (_gate)
        {
            return string.Equals(_rejected, token, StringComparison.Ordinal)
                && _lastRefreshAt is { } last && _time.GetUtcNow() - last < _minInterval;
        }
    }

    /// <summary>
    /// Discord refused <paramref name="rejectedToken"/>: reads the source again unless it was read less than the interval
    /// ago (a read that found the same token counts). Concurrent callers share one read. True when a different token
    /// is now current (read now, or by another caller since <paramref name="rejectedToken"/> was taken).
    /// </summary>
    public async Task<bool> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejectedToken);
        if (_source is null)
        {
            return false;
        }

        Task<bool> refresh;
        lock (_gate)
        {
            if (_token is { } current && !string.Equals(current, rejectedToken, StringComparison.Ordinal))
            {
                return true;
            }

            if (_refresh is { IsCompleted: false } running)
            {
                refresh = running;
            }
            else
            {
                var now = _time.GetUtcNow();
                if (_lastRefreshAt is { } last && now - last < _minInterval)
                {
                    return false;
                }

                _lastRefreshAt = now;
                var source = _source;
                refresh = _refresh = Task.Run(() => RefreshCoreAsync(source, rejectedToken));
            }
        }

        return await refresh.WaitAsync(cancellationToken);
    }

    private async Task<string?> LoadAsync(IBotTokenSource source)
    {
        var token = await ReadAsync(source);
        if (token is not null)
        {
            _token ??= token;
        }

        return _token;
    }

    private async Task<bool> RefreshCoreAsync(IBotTokenSource source, string rejectedToken)
    {
        var read = await ReadAsync(source);
        lock (_gate)
        {
            if (read is not null && !string.Equals(read, rejectedToken, StringComparison.Ordinal))
            {
                _token = read;
                _rejected = null;
                Log.Recovered(_logger, source.Description);
                return true;
            }

            _rejected = rejectedToken;
            Log.StillRejected(_logger, source.Description, _lastRefreshAt.GetValueOrDefault() + _minInterval);
            return false;
        }
    }

    private async Task<string?> ReadAsync(IBotTokenSource source)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout, _time);
        try
        {
            return await source.ReadAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The type only: a message could quote the secret's content or a connection detail.
            Log.ReadFailed(_logger, source.Description, exception.GetType().Name);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2151, Level = LogLevel.Warning, Message = "Discord refused the bot token; re-read it from {Source}: recovered, using the new token")]
        public static partial void Recovered(ILogger logger, string source);

        [LoggerMessage(EventId = 2152, Level = LogLevel.Error, Message = "Discord refused the bot token; re-read it from {Source}: still rejected (no new token there); next read after {NextRefreshAt:O}")]
        public static partial void StillRejected(ILogger logger, string source, DateTimeOffset nextRefreshAt);

        [LoggerMessage(EventId = 2153, Level = LogLevel.Error, Message = "Could not read the bot token from {Source} ({ErrorType})")]
        public static partial void ReadFailed(ILogger logger, string source, string errorType);
    }
}
