using System.Net;

namespace Serverless.Discord.Rest;

/// <summary>A rate limit would hold the call longer than allowed (<see cref="DiscordRateLimitOptions.MaxWait"/>), or 429s kept coming.</summary>
public sealed class DiscordRateLimitedException : DiscordApiException
{
    public DiscordRateLimitedException()
    {
    }

    public DiscordRateLimitedException(string message)
        : base(message)
    {
    }

    public DiscordRateLimitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DiscordRateLimitedException(string route, TimeSpan retryAfter, bool global, int? errorCode = null, string? discordMessage = null)
        : base(HttpStatusCode.TooManyRequests, errorCode, route, discordMessage ?? $"rate limited for {retryAfter.TotalSeconds:0.###} s{(global ? " (global)" : "")}")
    {
        RetryAfter = retryAfter;
        IsGlobal = global;
    }

    public TimeSpan RetryAfter { get; }

    public bool IsGlobal { get; }
}

/// <summary>Discord rejected the bot token (401). Never retried; <see cref="DiscordTokenState"/> records it.</summary>
public sealed class DiscordUnauthorizedException : DiscordApiException
{
    public DiscordUnauthorizedException()
    {
    }

    public DiscordUnauthorizedException(string message)
        : base(message)
    {
    }

    public DiscordUnauthorizedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DiscordUnauthorizedException(int? errorCode, string route, string? discordMessage)
        : base(HttpStatusCode.Unauthorized, errorCode, route, discordMessage)
    {
    }
}

/// <summary>The circuit breaker is open after repeated failures: the call failed fast without reaching Discord.</summary>
public sealed class DiscordUnavailableException : DiscordApiException
{
    public DiscordUnavailableException()
    {
    }

    public DiscordUnavailableException(string message)
        : base(message)
    {
    }

    public DiscordUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DiscordUnavailableException(string route, TimeSpan? retryAfter, Exception innerException)
        : base(HttpStatusCode.ServiceUnavailable, null, route, "circuit open after repeated failures; not sent", innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When the breaker will let a trial call through, if known.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Too many invalid requests (401/403/429) in the rolling window: non-essential calls are refused to keep clear of Discord's ban.</summary>
public sealed class DiscordBudgetExhaustedException : DiscordApiException
{
    public DiscordBudgetExhaustedException()
    {
    }

    public DiscordBudgetExhaustedException(string message)
        : base(message)
    {
    }

    public DiscordBudgetExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DiscordBudgetExhaustedException(string route, int invalidRequests)
        : base(HttpStatusCode.TooManyRequests, null, route, $"invalid-request budget spent ({invalidRequests} in the window); non-essential call refused")
    {
        InvalidRequests = invalidRequests;
    }

    public int InvalidRequests { get; }
}

/// <summary>Whether Discord last rejected the bot token; read by the status probe.</summary>
public sealed class DiscordTokenState(TimeProvider timeProvider)
{
    private long _rejectedAtTicks;

    public bool IsRejected => Volatile.Read(ref _rejectedAtTicks) != 0;

    public DateTimeOffset? RejectedAt => Volatile.Read(ref _rejectedAtTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    internal void MarkRejected() => Volatile.Write(ref _rejectedAtTicks, timeProvider.GetUtcNow().UtcTicks);

    internal void MarkAccepted() => Volatile.Write(ref _rejectedAtTicks, 0);
}
