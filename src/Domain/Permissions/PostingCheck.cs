using System.Globalization;

namespace Serverless.Domain.Permissions;

/// <summary>
/// Whether the bot can post in a channel, and if not, why, in words fit for the user who picked the channel.
/// Built from the channel's type and the bot's permissions there, or from what Discord answered about the channel.
/// </summary>
public sealed record PostingCheck
{
    private PostingCheck(string? problem) => Problem = problem;

    // The cast picks this constructor over the record's copy constructor.
    public static PostingCheck Allowed { get; } = new((string?)null);

    /// <summary>Discord answered 404 for the channel.</summary>
    public static PostingCheck UnknownChannel { get; } = new("That channel does not exist.");

    /// <summary>Discord refused to show the channel (403): the bot is not allowed to see it.</summary>
    public static PostingCheck HiddenChannel { get; } = new("I can't see that channel.");

    /// <summary>The bot is not (or no longer) a member of the server.</summary>
    public static PostingCheck NotInGuild { get; } = new("I'm not in this server, so I can't post here.");

    public bool CanPost => Problem is null;

    /// <summary>Null when <see cref="CanPost"/>; otherwise one sentence saying what to change.</summary>
    public string? Problem { get; }

    /// <summary>The channel belongs to another server than the one the command came from.</summary>
    public static PostingCheck OtherGuild(ulong channelId) =>
        new($"{Mention(channelId)} is in another server; pick a channel in this one.");

    /// <summary>
    /// Whether a channel of this type takes posts at all: text and announcement channels do. Threads are left out
    /// on purpose (they need Send Messages in Threads and can be archived under a schedule).
    /// </summary>
    public static PostingCheck ForChannelType(ulong channelId, DiscordChannelType type) => type switch
    {
        DiscordChannelType.GuildText or DiscordChannelType.GuildAnnouncement => Allowed,
        DiscordChannelType.AnnouncementThread or DiscordChannelType.PublicThread or DiscordChannelType.PrivateThread =>
            new("Pick a text or announcement channel, not a thread."),
        DiscordChannelType.Dm or DiscordChannelType.GroupDm => new("Pick a text or announcement channel in this server."),
        DiscordChannelType.GuildVoice => NotText(channelId, "a voice channel"),
        DiscordChannelType.GuildStageVoice => NotText(channelId, "a stage channel"),
        DiscordChannelType.GuildCategory => NotText(channelId, "a category"),
        DiscordChannelType.GuildForum => NotText(channelId, "a forum channel"),
        DiscordChannelType.GuildMedia => NotText(channelId, "a media channel"),
        _ => new($"{Mention(channelId)} is not a text or announcement channel; pick one that is."),
    };

    /// <summary>
    /// The channel type's verdict, then the permissions a post needs: View Channel (without it Discord ignores
    /// every other bit) and Send Messages.
    /// </summary>
    public static PostingCheck For(ulong channelId, DiscordChannelType type, DiscordPermissions permissions)
    {
        if (ForChannelType(channelId, type) is { CanPost: false } refused)
        {
            return refused;
        }

        if (!permissions.HasFlag(DiscordPermissions.ViewChannel))
        {
            return new($"I can't post in {Mention(channelId)}: I can't see that channel (missing View Channel).");
        }

        return permissions.HasFlag(DiscordPermissions.SendMessages)
            ? Allowed
            : new($"I can't post in {Mention(channelId)}: I'm missing Send Messages there.");
    }

    private static PostingCheck NotText(ulong channelId, string what) =>
        new($"{Mention(channelId)} is {what}; pick a text or announcement channel.");

    private static string Mention(ulong channelId) => "<#" + channelId.ToString(CultureInfo.InvariantCulture) + ">";
}
