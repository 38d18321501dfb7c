using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Discord.Interactions;

// Wire shapes of Discord's interaction objects. Only the fields the bot reads are declared; unknown
// fields are ignored and numeric enums keep values we do not know, so a change on Discord's side
// never breaks deserialization. What arrives is declared as nullable as JSON lets it be (a list's
// entries included): a signed body is still only a client's say-so, and readers must cope.

public enum InteractionType
{
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
    ApplicationCommandAutocomplete = 4,
    ModalSubmit = 5,
}

public enum InteractionCallbackType
{
    Pong = 1,
    ChannelMessageWithSource = 4,
    DeferredChannelMessageWithSource = 5,
    DeferredUpdateMessage = 6,
    UpdateMessage = 7,
    ApplicationCommandAutocompleteResult = 8,
    Modal = 9,
}

public enum ComponentType
{
    ActionRow = 1,
    TextInput = 4,
}

public enum TextInputStyle
{
    Short = 1,
    Paragraph = 2,
}

[Flags]
public enum MessageFlags
{
    None = 0,
    Ephemeral = 1 << 6,
}

public sealed class InteractionPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("application_id")]
    public ulong ApplicationId { get; set; }

    [JsonPropertyName("type")]
    public InteractionType Type { get; set; }

    [JsonPropertyName("data")]
    public InteractionDataPayload? Data { get; set; }

    [JsonPropertyName("guild_id")]
    public ulong? GuildId { get; set; }

    [JsonPropertyName("channel_id")]
    public ulong? ChannelId { get; set; }

    [JsonPropertyName("member")]
    public GuildMemberPayload? Member { get; set; }

    [JsonPropertyName("user")]
    public UserPayload? User { get; set; }

    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("locale")]
    public string? Locale { get; set; }

    [JsonPropertyName("guild_locale")]
    public string? GuildLocale { get; set; }

    [JsonPropertyName("app_permissions")]
    public string? AppPermissions { get; set; }

    /// <summary>The invoking user: <c>member.user</c> in a guild, <c>user</c> elsewhere.</summary>
    [JsonIgnore]
    public UserPayload? Invoker => Member?.User ?? User;
}

public sealed class InteractionDataPayload
{
    [JsonPropertyName("id")]
    public ulong? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("type")]
    public int? Type { get; set; }

    [JsonPropertyName("options")]
    public List<CommandOptionPayload?>? Options { get; set; }

    [JsonPropertyName("custom_id")]
    public string? CustomId { get; set; }

    [JsonPropertyName("component_type")]
    public int? ComponentType { get; set; }

    /// <summary>A modal submit's rows of text inputs, with what was typed.</summary>
    [JsonPropertyName("components")]
    public List<ComponentPayload?>? Components { get; set; }

    /// <summary>What the options' ids refer to, as Discord looked them up for this interaction.</summary>
    [JsonPropertyName("resolved")]
    public ResolvedDataPayload? Resolved { get; set; }
}

public sealed class ResolvedDataPayload
{
    /// <summary>Partial channels by id (the key is the snowflake as text).</summary>
    [JsonPropertyName("channels")]
    public Dictionary<string, ResolvedChannelPayload?>? Channels { get; set; }
}

/// <summary>A channel an option names: a partial channel plus the invoking member's permissions in it.</summary>
public sealed class ResolvedChannelPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("type")]
    public int Type { get; set; }

    /// <summary>
    /// The invoking member's permissions in this channel, overwrites included, as a decimal string: unlike
    /// <c>member.permissions</c>, which are for the channel the interaction came from.
    /// </summary>
    [JsonPropertyName("permissions")]
    public string? Permissions { get; set; }
}

public sealed class CommandOptionPayload
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("type")]
    public int Type { get; set; }

    [JsonPropertyName("value")]
    public JsonElement? Value { get; set; }

    [JsonPropertyName("options")]
    public List<CommandOptionPayload?>? Options { get; set; }

    [JsonPropertyName("focused")]
    public bool? Focused { get; set; }
}

/// <summary>A guild member, as in an interaction or from <c>GET /guilds/{guild}/members/{user}</c>.</summary>
public sealed class GuildMemberPayload
{
    [JsonPropertyName("user")]
    public UserPayload? User { get; set; }

    [JsonPropertyName("permissions")]
    public string? Permissions { get; set; }

    [JsonPropertyName("nick")]
    public string? Nick { get; set; }

    /// <summary>The member's role ids, without @everyone.</summary>
    [JsonPropertyName("roles")]
    public List<ulong>? Roles { get; set; }
}

public sealed class UserPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("global_name")]
    public string? GlobalName { get; set; }

    [JsonPropertyName("bot")]
    public bool? Bot { get; set; }
}

public sealed class InteractionResponsePayload
{
    [JsonPropertyName("type")]
    public InteractionCallbackType Type { get; set; }

    [JsonPropertyName("data")]
    public InteractionCallbackDataPayload? Data { get; set; }
}

public sealed class InteractionCallbackDataPayload
{
    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("flags")]
    public MessageFlags? Flags { get; set; }

    [JsonPropertyName("allowed_mentions")]
    public AllowedMentionsPayload? AllowedMentions { get; set; }

    [JsonPropertyName("choices")]
    public List<AutocompleteChoicePayload>? Choices { get; set; }

    /// <summary>Modal (type 9) only, with <see cref="Title"/> and <see cref="Components"/>.</summary>
    [JsonPropertyName("custom_id")]
    public string? CustomId { get; set; }

    [JsonPropertyName("title")]
    public string? Title { get; set; }

    [JsonPropertyName("components")]
    public List<ComponentPayload>? Components { get; set; }
}

/// <summary>
/// A message or modal component: an action row holding <see cref="Components"/>, or a text input. The same shape
/// goes out in a modal and comes back in its submit, then with <see cref="Value"/> filled in.
/// </summary>
public sealed class ComponentPayload
{
    [JsonPropertyName("type")]
    public ComponentType Type { get; set; }

    [JsonPropertyName("custom_id")]
    public string? CustomId { get; set; }

    [JsonPropertyName("style")]
    public TextInputStyle? Style { get; set; }

    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("max_length")]
    public int? MaxLength { get; set; }

    [JsonPropertyName("required")]
    public bool? Required { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }

    [JsonPropertyName("components")]
    public List<ComponentPayload?>? Components { get; set; }
}

public sealed class AllowedMentionsPayload
{
    /// <summary>An empty list: nothing the bot echoes can ping anyone.</summary>
    public static AllowedMentionsPayload None => new() { Parse = [] };

    [JsonPropertyName("parse")]
    public List<string> Parse { get; set; } = [];
}

public sealed class AutocompleteChoicePayload
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    public string Value { get; set; } = "";
}
