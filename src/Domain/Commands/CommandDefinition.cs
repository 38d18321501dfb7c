using Serverless.Domain.Permissions;

namespace Serverless.Domain.Commands;

/// <summary>
/// A slash command as the bot declares it: the single source for routing, <c>/help</c> and the
/// manifest that is registered with Discord.
/// </summary>
public sealed record CommandDefinition
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public IReadOnlyList<CommandOptionDefinition> Options { get; init; } = [];

    /// <summary>Null lets every member use the command; guilds can still narrow it.</summary>
    public MemberPermissions? DefaultMemberPermissions { get; init; }

    public IReadOnlyList<CommandContext> Contexts { get; init; } = [CommandContext.Guild];

    /// <summary>Whether the command answers within the request or is deferred to a queue worker.</summary>
    public CommandResponseMode ResponseMode { get; init; } = CommandResponseMode.Inline;

    /// <summary>Only the invoking user sees the answer. A deferred answer's visibility is fixed when deferring.</summary>
    public bool Ephemeral { get; init; }
}

public sealed record CommandOptionDefinition
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required CommandOptionType Type { get; init; }

    public bool Required { get; init; }

    public IReadOnlyList<CommandOptionDefinition> Options { get; init; } = [];

    /// <summary>String options only: the values offered to pick from; empty accepts any text.</summary>
    public IReadOnlyList<CommandOptionChoice> Choices { get; init; } = [];

    /// <summary>Channel options only: the kinds of channel Discord offers; empty offers every kind.</summary>
    public IReadOnlyList<ChannelKind> ChannelTypes { get; init; } = [];

    /// <summary>Integer and number options only: the smallest value Discord lets the user enter.</summary>
    public long? MinValue { get; init; }

    /// <summary>Integer and number options only: the largest value Discord lets the user enter.</summary>
    public long? MaxValue { get; init; }

    /// <summary>String options only: the longest text Discord lets the user enter.</summary>
    public int? MaxLength { get; init; }
}

/// <summary>One value of a string option's fixed list: <paramref name="Name"/> is shown, <paramref name="Value"/> is sent.</summary>
public sealed record CommandOptionChoice(string Name, string Value);

/// <summary>The subset of Discord's channel types the bot's options refer to.</summary>
public enum ChannelKind
{
    GuildText = 0,
    GuildAnnouncement = 5,
}

/// <summary>Discord's application command option types.</summary>
public enum CommandOptionType
{
    SubCommand = 1,
    SubCommandGroup = 2,
    String = 3,
    Integer = 4,
    Boolean = 5,
    User = 6,
    Channel = 7,
    Role = 8,
    Mentionable = 9,
    Number = 10,
    Attachment = 11,
}

/// <summary>Where a command can be used (Discord's interaction context types).</summary>
public enum CommandContext
{
    Guild = 0,
    BotDm = 1,
    PrivateChannel = 2,
}

public enum CommandResponseMode
{
    /// <summary>Answered in the HTTP response (type 4); must finish well within Discord's 3 seconds.</summary>
    Inline,

    /// <summary>Acknowledged with type 5 once durably enqueued; a queue worker edits the answer in later.</summary>
    Deferred,

    /// <summary>
    /// Acknowledged with type 5 once durably enqueued on the <c>voice</c> queue: the companion, which holds the
    /// gateway and Lavalink, does the work and edits the answer. The Functions app never runs these itself.
    /// </summary>
    DeferredToVoice,
}

/// <summary>
/// The subset of Discord's permission bits the bot's commands refer to. Values come from
/// <see cref="DiscordPermissions"/> so the two enums can never disagree.
/// </summary>
[Flags]
public enum MemberPermissions : ulong
{
    None = 0,
    Administrator = DiscordPermissions.Administrator,
    ManageChannels = DiscordPermissions.ManageChannels,
    ManageGuild = DiscordPermissions.ManageGuild,
    ManageMessages = DiscordPermissions.ManageMessages,
}
