using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Json;

// Shapes of the console's part of the control API (/_sandbox/guild, members, clicks, submits, interaction states,
// channel messages and the event stream); camelCase like the rest of /_sandbox.

/// <summary><c>GET /_sandbox/guild</c>: what the console draws its sidebar, member switcher and command picker from.</summary>
internal sealed class ConsoleGuildWire
{
    public required GuildSummaryWire Guild { get; init; }

    public required string BotUserId { get; init; }

    public required List<ConsoleChannelWire> Channels { get; init; }

    public required List<ConsoleMemberWire> Members { get; init; }

    /// <summary>Global and this guild's commands, each exactly as the sandbox returns it to the bot.</summary>
    public required List<JsonElement> Commands { get; init; }
}

internal sealed class GuildSummaryWire
{
    public required string Id { get; init; }

    public required string Name { get; init; }
}

internal sealed class ConsoleChannelWire
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public int Type { get; init; }
}

internal sealed class ConsoleMemberWire
{
    public required string Id { get; init; }

    public required string Username { get; init; }

    public required string DisplayName { get; init; }

    public bool IsBot { get; init; }

    /// <summary>The permission bitfield, as a decimal string like Discord's.</summary>
    public required string Permissions { get; init; }

    public required List<string> Roles { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? VoiceChannelId { get; init; }

    /// <summary>The application's owner (what owner-only commands check).</summary>
    public bool IsOwner { get; init; }
}

/// <summary>The part of <c>PUT /_sandbox/members/{id}</c> the CLI sends.</summary>
internal sealed class MemberPermissionsWire
{
    public required string Permissions { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/clicks</c>.</summary>
internal sealed class ClickRequestWire
{
    public string? MessageId { get; init; }

    public string? CustomId { get; init; }

    /// <summary>For select menus: the chosen values.</summary>
    public List<string>? Values { get; init; }

    public string? UserId { get; init; }

    public string? MemberPermissions { get; init; }

    public string? BotUrl { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/submits</c>.</summary>
internal sealed class SubmitRequestWire
{
    public string? CustomId { get; init; }

    /// <summary>Text input custom_id → value.</summary>
    public Dictionary<string, string>? Fields { get; init; }

    public string? UserId { get; init; }

    public string? MemberPermissions { get; init; }

    public string? BotUrl { get; init; }
}

/// <summary>An interaction and what became of it; never its token, which is a secret on Discord.</summary>
internal sealed class InteractionStateWire
{
    public required string Id { get; init; }

    public int Type { get; init; }

    public string? CommandName { get; init; }

    public string? CustomId { get; init; }

    public string? UserId { get; init; }

    public string? ChannelId { get; init; }

    public string? GuildId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public int? InitialResponseType { get; init; }

    public bool Invalidated { get; init; }

    /// <summary>The answer will not change any more on its own: answered, edited after "thinking…", or failed.</summary>
    public bool Final { get; init; }

    public ModalWire? Modal { get; init; }

    public ConsoleMessageWire? Original { get; init; }

    public required List<ConsoleMessageWire> FollowUps { get; init; }
}

/// <summary>A form the bot opened (callback type 9).</summary>
internal sealed class ModalWire
{
    public required string CustomId { get; init; }

    public required string Title { get; init; }

    public JsonElement Components { get; init; }
}

internal sealed class ConsoleMessageWire
{
    public required string Id { get; init; }

    public required string ChannelId { get; init; }

    public string? GuildId { get; init; }

    public required MessageAuthorWire Author { get; init; }

    public required string Content { get; init; }

    public JsonElement Embeds { get; init; }

    public JsonElement Components { get; init; }

    public int Flags { get; init; }

    public bool Ephemeral { get; init; }

    public bool Loading { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public DateTimeOffset? EditedTimestamp { get; init; }

    public int EditCount { get; init; }

    public MessageInteractionWire? Interaction { get; init; }
}

internal sealed class MessageAuthorWire
{
    public required string Id { get; init; }

    public required string Username { get; init; }

    public bool IsBot { get; init; }
}

/// <summary>The interaction a response or follow-up belongs to.</summary>
internal sealed class MessageInteractionWire
{
    public required string Id { get; init; }

    public int Type { get; init; }

    /// <summary>The command's name, or the custom_id of the clicked component or submitted form.</summary>
    public string? Name { get; init; }

    public string? UserId { get; init; }
}

/// <summary>The <c>message</c> event.</summary>
internal sealed class MessageEventWire
{
    /// <summary><c>created</c>, <c>updated</c> or <c>deleted</c>.</summary>
    public required string Kind { get; init; }

    public required ConsoleMessageWire Message { get; init; }
}

/// <summary>The <c>call</c> event: one REST call the bot made, with interaction tokens shortened.</summary>
internal sealed class CallEventWire
{
    public long Sequence { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Query { get; init; }

    public int StatusCode { get; init; }

    public DateTimeOffset At { get; init; }

    public double DurationMs { get; init; }

    public bool Faulted { get; init; }

    public RecordedRateLimit? RateLimit { get; init; }

    public static CallEventWire From(RecordedCall call) => new()
    {
        Sequence = call.Sequence,
        Method = call.Method,
        Path = call.InteractionToken is { } token ? call.Path.Replace(token, ShortToken(token), StringComparison.Ordinal) : call.Path,
        Query = call.Query,
        StatusCode = call.StatusCode,
        At = call.At,
        DurationMs = call.DurationMilliseconds,
        Faulted = call.Faulted,
        RateLimit = call.RateLimit,
    };

    /// <summary>
    /// Enough of an interaction token to tell two apart, not enough to use one: 8 characters after the sandbox's
    /// fixed <c>sandbox_</c> prefix, which alone would make every token look the same.
    /// </summary>
    public static string ShortToken(string token)
    {
        var keep = token.StartsWith(TokenPrefix, StringComparison.Ordinal) ? TokenPrefix.Length + 8 : 8;
        return token.Length > keep ? token[..keep] + "…" : token;
    }

    private const string TokenPrefix = "sandbox_";
}

/// <summary>Data of the events that only say "read again" (<c>commands</c>, <c>token</c>).</summary>
internal sealed class EmptyEventWire;

/// <summary>Answer of <c>POST /_sandbox/faults/presets/{name}</c>.</summary>
internal sealed class FaultPresetWire
{
    public required string Preset { get; init; }

    public required List<FaultRuleWire> Rules { get; init; }
}
