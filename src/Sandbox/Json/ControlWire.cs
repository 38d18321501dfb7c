using System.Text.Json;

namespace Serverless.Sandbox.Json;

// Shapes of the sandbox's own control API under /_sandbox (camelCase; not Discord's).

internal sealed class SandboxInfoWire
{
    public required string ApplicationId { get; init; }

    public required string PublicKey { get; init; }

    public required string BaseUrl { get; init; }

    public required string ApiBaseUrl { get; init; }

    public required string BotInteractionsUrl { get; init; }

    /// <summary>Fake and local: the dev script needs it to configure the bot.</summary>
    public required string BotToken { get; init; }

    public required string BotUserId { get; init; }

    public required string DefaultGuildId { get; init; }

    public required string DefaultChannelId { get; init; }

    public required string DefaultUserId { get; init; }
}

internal sealed class CallsWire
{
    /// <summary>Pass as <c>?since=</c> next time to get only newer calls.</summary>
    public long NextSequence { get; init; }

    public required IReadOnlyList<RecordedCall> Calls { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/interactions</c>.</summary>
internal sealed class SendInteractionRequestWire
{
    /// <summary>Command name, optionally with subcommand (group) after spaces: <c>"music play"</c>. Leading <c>/</c> is ignored.</summary>
    public string? Name { get; init; }

    /// <summary>Either an object <c>{"query":"x","count":2}</c> (types inferred) or an array of <c>{name, type?, value}</c>.</summary>
    public JsonElement? Options { get; init; }

    /// <summary>Sends a PING instead of a command.</summary>
    public bool Ping { get; init; }

    public string? GuildId { get; init; }

    public string? ChannelId { get; init; }

    public string? UserId { get; init; }

    public string? MemberPermissions { get; init; }

    public string? BotUrl { get; init; }
}

internal sealed class SentInteractionWire
{
    public required string InteractionId { get; init; }

    public required string Token { get; init; }

    public int StatusCode { get; init; }

    public string ResponseBody { get; init; } = "";

    public string? ResponseContentType { get; init; }

    public double ElapsedMilliseconds { get; init; }

    public bool DeadlineExceeded { get; init; }

    public string? Error { get; init; }

    /// <summary>The call sequence when the interaction was sent: calls the bot made for it are at or after this.</summary>
    public long CallSequence { get; init; }
}

internal sealed class FaultRuleWire
{
    public string? Method { get; init; }

    public string? PathContains { get; init; }

    public int? StatusCode { get; init; }

    public int? Times { get; init; }

    public double? DelayMilliseconds { get; init; }

    public double? RetryAfterSeconds { get; init; }

    public bool Global { get; init; }

    public int? ErrorCode { get; init; }

    public string? Message { get; init; }

    public int TimesFired { get; init; }

    public FaultRule ToRule() => new()
    {
        Method = Method,
        PathContains = PathContains,
        StatusCode = StatusCode,
        Times = Times,
        Delay = TimeSpan.FromMilliseconds(DelayMilliseconds ?? 0),
        RetryAfter = RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(1),
        Global = Global,
        ErrorCode = ErrorCode,
        Message = Message,
    };

    public static FaultRuleWire From(FaultRule rule) => new()
    {
        Method = rule.Method,
        PathContains = rule.PathContains,
        StatusCode = rule.StatusCode,
        Times = rule.Times,
        DelayMilliseconds = rule.Delay.TotalMilliseconds,
        RetryAfterSeconds = rule.RetryAfter.TotalSeconds,
        Global = rule.Global,
        ErrorCode = rule.ErrorCode,
        Message = rule.Message,
        TimesFired = rule.TimesFired,
    };
}

internal sealed class ControlErrorWire
{
    public required string Error { get; init; }
}
