using System.Globalization;
using System.Text.Json;

namespace Serverless.Sandbox.State;

/// <summary>The message fields of a create or edit request, validated the way Discord validates them (the parts bots trip over).</summary>
internal sealed class MessageDraft
{
    public const int MaxContentLength = 2000;
    public const int MaxNonceLength = 25;

    /// <summary>Flags a bot may set when sending: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2.</summary>
    public const int SettableFlags = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 13) | (1 << 15);

    public Optional<string?> Content { get; private init; }

    public Optional<JsonElement?> Embeds { get; private init; }

    public Optional<JsonElement?> Components { get; private init; }

    public Optional<JsonElement?> AllowedMentions { get; private init; }

    public int? Flags { get; private init; }

    public string? Nonce { get; private init; }

    public bool EnforceNonce { get; private init; }

    public bool Tts { get; private init; }

    /// <summary>Whether the draft has anything to show: Discord refuses an empty message with 50006.</summary>
    public bool HasVisibleContent =>
        !string.IsNullOrEmpty(Content.Value)
        || Embeds.Value is { ValueKind: JsonValueKind.Array } embeds && embeds.GetArrayLength() > 0
        || Components.Value is { ValueKind: JsonValueKind.Array } components && components.GetArrayLength() > 0;

    public static MessageDraft Empty { get; } = new();

    /// <summary>Parses a JSON object; <paramref name="error"/> describes the first problem as Discord's form-error shape.</summary>
    public static MessageDraft? Parse(JsonElement body, out FormError? error)
    {
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new FormError(null, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
            return null;
        }

        Optional<string?> content = default;
        Optional<JsonElement?> embeds = default, components = default, allowedMentions = default;
        int? flags = null;
        string? nonce = null;
        bool enforceNonce = false, tts = false;

        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "content":
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        error = new FormError("content", "BASE_TYPE_STRING", "Must be a string.");
                        return null;
                    }

                    var text = value.GetString();
                    if (text is { Length: > MaxContentLength })
                    {
                        error = new FormError("content", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxContentLength} or fewer in length.");
                        return null;
                    }

                    content = Optional<string?>.Of(text);
                    break;
                case "embeds" or "components":
                    if (value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                    {
                        error = new FormError(property.Name, "BASE_TYPE_LIST", "Must be an array.");
                        return null;
                    }

                    var list = Optional<JsonElement?>.Of(value.ValueKind == JsonValueKind.Null ? null : value.Clone());
                    if (property.Name == "embeds")
                    {
                        embeds = list;
                    }
                    else
                    {
                        components = list;
                    }

                    break;
                case "allowed_mentions":
                    if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                    {
                        error = new FormError("allowed_mentions", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
                        return null;
                    }

                    allowedMentions = Optional<JsonElement?>.Of(value.ValueKind == JsonValueKind.Null ? null : value.Clone());
                    break;
                case "flags" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var parsedFlags):
                    flags = parsedFlags;
                    break;
                case "flags" when value.ValueKind != JsonValueKind.Null:
                    error = new FormError("flags", "NUMBER_TYPE_COERCE", "Value is not int.");
                    return null;
                case "nonce" when value.ValueKind == JsonValueKind.String:
                    nonce = value.GetString();
                    if (nonce is { Length: > MaxNonceLength })
                    {
                        error = new FormError("nonce", "BASE_TYPE_MAX_LENGTH", $"Must be {MaxNonceLength} or fewer in length.");
                        return null;
                    }

                    break;
                case "nonce" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number):
                    nonce = number.ToString(CultureInfo.InvariantCulture);
                    break;
                case "nonce" when value.ValueKind != JsonValueKind.Null:
                    error = new FormError("nonce", "BASE_TYPE_STRING", "Must be a string or an integer.");
                    return null;
                case "enforce_nonce":
                    enforceNonce = value.ValueKind == JsonValueKind.True;
                    break;
                case "tts":
                    tts = value.ValueKind == JsonValueKind.True;
                    break;
                default:
                    // Other fields (attachments, poll, message_reference, …) are accepted and ignored.
                    break;
            }
        }

        return new MessageDraft
        {
            Content = content,
            Embeds = embeds,
            Components = components,
            AllowedMentions = allowedMentions,
            Flags = flags,
            Nonce = nonce,
            EnforceNonce = enforceNonce,
            Tts = tts,
        };
    }

    /// <summary>A new message from this draft.</summary>
    public SandboxMessage Create(ulong id, ulong channelId, DateTimeOffset now) => new()
    {
        Id = id,
        ChannelId = channelId,
        Content = Content.Value ?? "",
        Embeds = Embeds.Value ?? MessageJson.EmptyArray,
        Components = Components.Value ?? MessageJson.EmptyArray,
        AllowedMentions = AllowedMentions.Value,
        Flags = (Flags ?? 0) & SettableFlags,
        Nonce = Nonce,
        Tts = Tts,
        Timestamp = now,
    };

    /// <summary>
    /// An edit: fields present in the draft replace the message's, absent ones stay. An edit also ends a
    /// deferred response's loading state, as on Discord; other flags cannot change on edit.
    /// </summary>
    public SandboxMessage ApplyTo(SandboxMessage message, DateTimeOffset now) => message with
    {
        Content = Content.HasValue ? Content.Value ?? "" : message.Content,
        Embeds = Embeds.HasValue ? Embeds.Value ?? MessageJson.EmptyArray : message.Embeds,
        Components = Components.HasValue ? Components.Value ?? MessageJson.EmptyArray : message.Components,
        AllowedMentions = AllowedMentions.HasValue ? AllowedMentions.Value : message.AllowedMentions,
        Flags = message.Flags & ~SandboxMessage.LoadingFlag,
        EditedTimestamp = now,
        EditCount = message.EditCount + 1,
    };
}

/// <summary>One entry of Discord's <c>50035 Invalid Form Body</c> error tree; a null field is a body-level error.</summary>
internal sealed record FormError(string? Field, string Code, string Message);
