using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Discord.Commands;

/// <summary>
/// An application command as the bulk overwrite body declares it and as Discord answers it. Fields are
/// declared in the order the manifest is written; the server-assigned ones come last and stay null in a
/// manifest, so they are left out.
/// </summary>
public sealed class ApplicationCommandPayload
{
    public const int ChatInputType = 1;

    private IList<ApplicationCommandOptionPayload> _options = [];

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("type")]
    public int? Type { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>Never null: Discord leaves the field out (or sends null) when a command has no options.</summary>
    [JsonPropertyName("options")]
    public IList<ApplicationCommandOptionPayload> Options
    {
        get => _options;
        set => _options = value ?? [];
    }

    /// <summary>A permission bitset as a string; null (written out, not omitted) lets everyone use the command.</summary>
    [JsonPropertyName("default_member_permissions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? DefaultMemberPermissions { get; set; }

    /// <summary>Interaction context types; only global commands use them.</summary>
    [JsonPropertyName("contexts")]
    public IList<int>? Contexts { get; set; }

    /// <summary>Installation contexts; only global commands use them.</summary>
    [JsonPropertyName("integration_types")]
    public IList<int>? IntegrationTypes { get; set; }

    [JsonPropertyName("nsfw")]
    public bool? Nsfw { get; set; }

    // Assigned by Discord: read from its answers, never sent.
    [JsonPropertyName("id")]
    public ulong? Id { get; set; }

    [JsonPropertyName("application_id")]
    public ulong? ApplicationId { get; set; }

    [JsonPropertyName("guild_id")]
    public ulong? GuildId { get; set; }

    [JsonPropertyName("version")]
    public ulong? Version { get; set; }

    /// <summary>Type 1 (CHAT_INPUT) when left out, as Discord assumes.</summary>
    [JsonIgnore]
    public int EffectiveType => Type ?? ChatInputType;
}

public sealed class ApplicationCommandOptionPayload
{
    [JsonPropertyName("type")]
    public int Type { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("description")]
    public string Description { get; set; } = "";

    [JsonPropertyName("required")]
    public bool? Required { get; set; }

    /// <summary>Subcommands and groups only.</summary>
    [JsonPropertyName("options")]
    public IList<ApplicationCommandOptionPayload>? Options { get; set; }

    // Choices, channel types, min/max values and max_length come from CommandDefinition; autocomplete and min_length
    // are not yet produced from it, but are read so that a hand-edited manifest or Discord's side compares fully.
    [JsonPropertyName("choices")]
    public IList<ApplicationCommandChoicePayload>? Choices { get; set; }

    [JsonPropertyName("autocomplete")]
    public bool? Autocomplete { get; set; }

    [JsonPropertyName("channel_types")]
    public IList<int>? ChannelTypes { get; set; }

    [JsonPropertyName("min_value")]
    public double? MinValue { get; set; }

    [JsonPropertyName("max_value")]
    public double? MaxValue { get; set; }

    [JsonPropertyName("min_length")]
    public int? MinLength { get; set; }

    [JsonPropertyName("max_length")]
    public int? MaxLength { get; set; }
}

public sealed class ApplicationCommandChoicePayload
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>A string, integer or number, as the option's type says.</summary>
    [JsonPropertyName("value")]
    public JsonElement Value { get; set; }
}
