using System.Text.Json;

namespace Serverless.Sandbox.State;

/// <summary>A message as the sandbox's "Discord" holds it: an immutable snapshot, replaced on every edit.</summary>
public sealed record SandboxMessage
{
    /// <summary>Discord's <c>EPHEMERAL</c> flag.</summary>
    public const int EphemeralFlag = 1 << 6;

    /// <summary>Discord's <c>LOADING</c> flag: a deferred interaction response still "thinking".</summary>
    public const int LoadingFlag = 1 << 7;

    public required ulong Id { get; init; }

    public required ulong ChannelId { get; init; }

    public ulong? GuildId { get; init; }

    /// <summary>Discord message type: 0 default, 20 chat-input command response.</summary>
    public int Type { get; init; }

    public string Content { get; init; } = "";

    public int Flags { get; init; }

    public bool IsEphemeral => (Flags & EphemeralFlag) != 0;

    public bool IsLoading => (Flags & LoadingFlag) != 0;

    /// <summary>The <c>embeds</c> array as sent, or an empty array.</summary>
    public JsonElement Embeds { get; init; } = MessageJson.EmptyArray;

    /// <summary>The <c>components</c> array as sent, or an empty array.</summary>
    public JsonElement Components { get; init; } = MessageJson.EmptyArray;

    /// <summary>The last <c>allowed_mentions</c> sent with the message or an edit; null if never sent.</summary>
    public JsonElement? AllowedMentions { get; init; }

    public string? Nonce { get; init; }

    public bool Tts { get; init; }

    public ulong AuthorId { get; init; }

    /// <summary>Set on interaction responses and follow-ups: the application's id.</summary>
    public ulong? WebhookId { get; init; }

    /// <summary>The interaction this message answers, for responses and follow-ups.</summary>
    public string? InteractionToken { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public DateTimeOffset? EditedTimestamp { get; init; }

    /// <summary>How many edits (PATCHes) the message has had.</summary>
    public int EditCount { get; init; }
}

/// <summary>Shared JSON values for message fields.</summary>
internal static class MessageJson
{
    public static readonly JsonElement EmptyArray = Parse("[]");

    public static readonly JsonElement True = Parse("true");

    public static readonly JsonElement False = Parse("false");

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
