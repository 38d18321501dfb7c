using System.Globalization;
using Serverless.Domain.Commands;
using Serverless.Domain.Permissions;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// <c>/schedule</c>: a server's scheduled posts. <c>create</c> checks the time and repeat, then opens a modal for the
/// text; the checked draft travels in the modal's custom_id (<see cref="ScheduleDraft"/>), so the post is stored
/// only once the text comes back. Everything answers inline: each step makes a few small storage and Discord calls.
/// </summary>
/// <remarks>
/// Who may do what is decided where the action lands, never from <c>member.permissions</c>, which is the member's
/// rights in the channel the command was typed in (where an overwrite may grant anything):
/// <list type="bullet">
/// <item><c>create</c>: View Channel, Send Messages and Manage Messages in the target channel, as Discord computed them
/// for the channel option (<c>resolved.channels[id].permissions</c>); computed again from roles and overwrites on submit.</item>
/// <item><c>list</c>, <c>show</c>, <c>cancel</c>, <c>timezone</c> act on the whole server: Manage Messages or Manage
/// Server from the member's roles, server-wide (owners and administrators have both).</item>
/// </list>
/// </remarks>
public sealed class ScheduleCommand(
    IScheduledPostStore store,
    IChannelPostingCheck channels,
    IMemberPermissionLookup members,
    ScheduleLimits limits,
    TimeProvider timeProvider) : ICommandHandler, IModalHandler
{
    public const string Name = "schedule";

    /// <summary>The modal's text input.</summary>
    public const string ContentInputId = "content";

    /// <summary>Posts shown by one <c>/schedule list</c>.</summary>
    public const int ListPageSize = 10;

    public const string MissingServerPermission =
        "You need Manage Messages or Manage Server for the whole server (from a role, not one channel's override) to list, show or cancel its scheduled posts or set its time zone.";

    /// <summary>What a member needs in the target channel: to see it, to post in it themselves, and to manage its messages.</summary>
    public const DiscordPermissions CreateInChannel = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages | DiscordPermissions.ManageMessages;

    /// <summary>Either of these, server-wide, for what acts on the whole server.</summary>
    public const DiscordPermissions ManageServerPosts = DiscordPermissions.ManageMessages | DiscordPermissions.ManageGuild;

    /// <summary>
    /// The storage reads and Discord checks of one step (run together) are bounded so that, with storage or Discord
    /// slow, the user still hears back within Discord's 3 seconds, and nothing typed is lost because the form has not
    /// opened yet.
    /// </summary>
    public static readonly TimeSpan ZoneReadTimeout = TimeSpan.FromSeconds(2);

    private const string CannotCheckChannel = "I couldn't check that channel with Discord just now. Please try again in a moment.";

    private const string CannotCheckMember = "I couldn't check your permissions with Discord just now. Please try again in a moment.";

    private const string StorageSlow = "Storage is slow to answer right now. Please try `/schedule create` again in a moment.";

    private const string GuildOnly = "Scheduled posts belong to a server: use `/schedule` in one.";

    private static readonly IReadOnlyList<CommandOptionDefinition> IdOption =
    [
        new() { Name = "id", Description = "The post's id, as /schedule list shows it", Type = CommandOptionType.String, Required = true, MaxLength = PostIds.MaxLength },
    ];

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Schedule posts to a channel, once or repeating",
        DefaultMemberPermissions = MemberPermissions.ManageMessages,
        Contexts = [CommandContext.Guild],
        Ephemeral = true,
        Options =
        [
            new()
            {
                Name = "create",
                Description = "Schedule a post; you type its text in the next step",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new()
                    {
                        Name = "channel",
                        Description = "Where to post",
                        Type = CommandOptionType.Channel,
                        Required = true,
                        ChannelTypes = [ChannelKind.GuildText, ChannelKind.GuildAnnouncement],
                    },
                    new() { Name = "when", Description = "When to post, in the server's time zone, e.g. 2026-12-01 09:30", Type = CommandOptionType.String, Required = true, MaxLength = ScheduleTimeParser.MaxTextLength },
                    new()
                    {
                        Name = "repeat",
                        Description = "How often to post it again (default: once)",
                        Type = CommandOptionType.String,
                        Choices =
                        [
                            new("Once", ScheduleDraft.RepeatName(RecurrenceKind.None)),
                            new("Daily", ScheduleDraft.RepeatName(RecurrenceKind.Daily)),
                            new("Weekly", ScheduleDraft.RepeatName(RecurrenceKind.Weekly)),
                            new("Cron expression", ScheduleDraft.RepeatName(RecurrenceKind.Cron)),
                        ],
                    },
                    new() { Name = "cron", Description = "With repeat: cron, e.g. 0 9 * * 1-5 (server's time zone)", Type = CommandOptionType.String, MaxLength = ScheduleDraft.MaxCronLengthForAnyDraft },
                ],
            },
            new()
            {
                Name = "list",
                Description = "List this server's scheduled posts, a page at a time",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new() { Name = "after", Description = "Start after this post id (the previous page's last), as the list's last line says", Type = CommandOptionType.String, MaxLength = PostIds.MaxLength },
                ],
            },
            new() { Name = "show", Description = "Show everything about one scheduled post", Type = CommandOptionType.SubCommand, Options = IdOption },
            new() { Name = "cancel", Description = "Cancel a scheduled post", Type = CommandOptionType.SubCommand, Options = IdOption },
            new()
            {
                Name = "timezone",
                Description = "Set the time zone new posts' times are read in",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new() { Name = "zone", Description = "An IANA time zone, e.g. Europe/Paris", Type = CommandOptionType.String, Required = true, MaxLength = GuildTimeZones.MaxNameLength },
                ],
            },
        ],
    };

    public static string MissingChannelPermission(ulong channelId) => string.Create(
        CultureInfo.InvariantCulture,
        $"You need View Channel, Send Messages and Manage Messages in <#{channelId}> to schedule posts there.");

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId)
        {
            return Answer(GuildOnly);
        }

        var options = invocation.Options;
        var subcommand = options.GetValueOrDefault("subcommand");
        if (subcommand == "create")
        {
            return await OpenDraftAsync(guildId, invocation, cancellationToken);
        }

        if (await RefuseServerWideAsync(guildId, invocation.UserId, invocation.MemberRoleIds, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return subcommand switch
        {
            "list" => await ListAsync(guildId, options.GetValueOrDefault("after"), cancellationToken),
            "show" => await ShowAsync(guildId, options.GetValueOrDefault("id"), cancellationToken),
            "cancel" => await CancelAsync(guildId, options.GetValueOrDefault("id"), cancellationToken),
            "timezone" => await SetTimeZoneAsync(guildId, options.GetValueOrDefault("zone"), cancellationToken),
            _ => Answer("Discord sent a `/schedule` subcommand I don't know; the command list may be out of date."),
        };
    }

    /// <summary>
    /// The filled-in modal of <c>create</c>: checked again, because time has passed and permissions may have changed.
    /// Safe to run more than once for one form (a user's retry, a redelivered queue message): the post's id comes
    /// from the form, so it is stored once and every run answers the same.
    /// </summary>
    public async ValueTask<CommandReply> SubmitAsync(ModalSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.GuildId is not { } guildId)
        {
            return Answer(GuildOnly);
        }

        if (!ScheduleDraft.TryDecode(submission.CustomId, limits.MinRepeatInterval, out var draft))
        {
            return Answer("This form is out of date. Run `/schedule create` again.");
        }

        if (!PostContent.TryNormalize(submission.Values.GetValueOrDefault(ContentInputId), out var content, out var error))
        {
            return Answer(error ?? "The post's text is not valid.");
        }

        // Again, for the bot and for the member: the channel travelled through the form, and who may do what there may
        // have changed while it was open. A form carries no resolved permissions, so the member's are computed.
        using (var timeout = new CancellationTokenSource(ZoneReadTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            var botCheck = channels.CheckCanPostAsync(guildId, draft.ChannelId, linked.Token);
            var memberCheck = members.InChannelAsync(guildId, draft.ChannelId, submission.UserId, submission.MemberRoleIds, linked.Token);
            var channelRefusal = await CheckChannelAsync(botCheck, cancellationToken);
            var memberRefusal = await CheckMemberAsync(memberCheck, CreateInChannel, MissingChannelPermission(draft.ChannelId), cancellationToken);
            if ((channelRefusal ?? memberRefusal) is { } refusal)
            {
                return refusal;
            }
        }

        var zoneRead = ReadZoneAsync(guildId, cancellationToken);
        var existing = await store.GetAsync(guildId, draft.PostId, cancellationToken);
        var zone = await zoneRead;
        if (existing is not null)
        {
            // This form was stored already: answer as the first run did, unless the id is someone else's post.
            return existing.CreatedBy == submission.UserId && existing.ChannelId == draft.ChannelId
                ? Confirm(existing.Id, draft, zone)
                : Answer("This form is out of date. Run `/schedule create` again.");
        }

        var now = timeProvider.GetUtcNow();
        if (draft.Due <= now)
        {
            return Answer($"The time you picked, {GuildTimeZones.Format(draft.Due, zone)}, passed while the form was open. Run `/schedule create` again with a later time.");
        }

        if (await CountActiveAsync(guildId, cancellationToken) >= limits.MaxActivePostsPerGuild)
        {
            return TooManyPosts();
        }

        var post = new ScheduledPost
        {
            Id = draft.PostId,
            GuildId = guildId,
            ChannelId = draft.ChannelId,
            Content = content,
            Recurrence = draft.Recurrence,
            TimeZone = zone.Id,
            Anchor = draft.Due,
            NextRunAt = draft.Due,
            CreatedBy = submission.UserId,
            CreatedAt = now,
        };

        // False only when a run of this same form stored it meanwhile: the same post, so the same answer.
        await store.CreateAsync(post, cancellationToken);
        return Confirm(post.Id, draft, zone);
    }

    private async ValueTask<CommandReply> OpenDraftAsync(ulong guildId, CommandInvocation invocation, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!ulong.TryParse(options.GetValueOrDefault("channel"), NumberStyles.None, CultureInfo.InvariantCulture, out var channelId))
        {
            return Answer("Pick the channel to post in.");
        }

        // Discord computed the member's rights in the picked channel: no call needed to refuse at once.
        if ((invocation.ChannelPermissions.GetValueOrDefault(channelId) & CreateInChannel) != CreateInChannel)
        {
            return Answer(MissingChannelPermission(channelId));
        }

        if (!PostRecurrence.TryParse(options.GetValueOrDefault("repeat"), options.GetValueOrDefault("cron"), limits.MinRepeatInterval, out var recurrence, out var error))
        {
            return Answer(error ?? "That repeat is not valid.");
        }

        TimeZoneInfo zone;
        int active;
        using (var timeout = new CancellationTokenSource(ZoneReadTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            var zoneRead = ReadZoneAsync(guildId, linked.Token);
            var count = CountActiveAsync(guildId, linked.Token);
            var channelCheck = channels.CheckCanPostAsync(guildId, channelId, linked.Token);
            try
            {
                zone = await zoneRead;
                active = await count;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return Answer(StorageSlow);
            }

            if (await CheckChannelAsync(channelCheck, cancellationToken) is { } refusal)
            {
                return refusal;
            }
        }

        // Said before the form opens, so nobody types a post that cannot be stored.
        if (active >= limits.MaxActivePostsPerGuild)
        {
            return TooManyPosts();
        }

        // The parser refuses past times and times too far ahead.
        if (!ScheduleTimeParser.TryParse(options.GetValueOrDefault("when"), zone, timeProvider.GetUtcNow(), out var due, out error))
        {
            return Answer(error ?? "That time is not valid.");
        }

        var draft = new ScheduleDraft(channelId, due, PostIds.ForInteraction(invocation.InteractionId), recurrence);
        if (draft.Encode() is not { } customId)
        {
            return Answer($"That cron expression is too long to carry through the form: keep it to {draft.MaxCronLength()} characters.");
        }

        return CommandReply.WithModal(new ModalPrompt(
            customId,
            "Scheduled post",
            [new ModalTextInput(ContentInputId, "Message") { Paragraph = true, MaxLength = PostContent.MaxLength }]));
    }

    private async ValueTask<CommandReply> ListAsync(ulong guildId, string? after, CancellationToken cancellationToken)
    {
        string? afterId = null;
        if (!string.IsNullOrWhiteSpace(after) && !PostIds.TryNormalize(after, out afterId))
        {
            return NotAnId();
        }

        // One more than a page tells whether another page follows.
        var listing = store.ListPageAsync(guildId, afterId, ListPageSize + 1, cancellationToken);
        var zone = ReadZoneAsync(guildId, cancellationToken);
        var posts = await listing;
        if (posts.Count == 0)
        {
            return Answer(afterId is null ? "No scheduled posts in this server." : $"No scheduled posts after `{afterId}`.");
        }

        var more = posts.Count > ListPageSize;
        return Answer(ScheduledPostFormatter.ListPage([.. posts.Take(ListPageSize)], more, await zone));
    }

    private async ValueTask<CommandReply> ShowAsync(ulong guildId, string? typedId, CancellationToken cancellationToken)
    {
        if (!PostIds.TryNormalize(typedId, out var id))
        {
            return NotAnId();
        }

        if (await store.GetAsync(guildId, id, cancellationToken) is not { } post)
        {
            return Answer($"No post `{id}` in this server. `/schedule list` shows their ids.");
        }

        var zone = GuildTimeZones.TryFind(post.TimeZone, out var postZone, out _) ? postZone : GuildTimeZones.Utc;
        return Answer(ScheduledPostFormatter.Show(post, zone));
    }

    private async ValueTask<CommandReply> CancelAsync(ulong guildId, string? typedId, CancellationToken cancellationToken)
    {
        if (!PostIds.TryNormalize(typedId, out var id))
        {
            return NotAnId();
        }

        return await store.CancelAsync(guildId, id, cancellationToken)
            ? Answer($"Cancelled `{id}`.")
            : Answer($"No pending post `{id}` in this server.");
    }

    private async ValueTask<CommandReply> SetTimeZoneAsync(ulong guildId, string? name, CancellationToken cancellationToken)
    {
        if (!GuildTimeZones.TryFind(name, out var zone, out var error))
        {
            return Answer(error ?? "That time zone is not known.");
        }

        await store.SetTimeZoneAsync(guildId, zone.Id, cancellationToken);
        var now = ScheduledPostFormatter.LocalTime(timeProvider.GetUtcNow(), zone);
        return Answer($"Time zone set to {zone.Id} (now {now} there). Existing posts keep their times.");
    }

    /// <summary>Null when the member may act on the whole server's posts; otherwise the answer saying why not.</summary>
    private async Task<CommandReply?> RefuseServerWideAsync(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(ZoneReadTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return await CheckMemberAsync(members.InGuildAsync(guildId, userId, roleIds, linked.Token), ManageServerPosts, MissingServerPermission, cancellationToken, anyOf: true);
    }

    /// <summary>
    /// Null when the member holds <paramref name="required"/> (all of it, or with <paramref name="anyOf"/> one bit of it);
    /// otherwise <paramref name="refusal"/>, or that Discord could not be asked.
    /// </summary>
    private static async Task<CommandReply?> CheckMemberAsync(
        Task<DiscordPermissions?> lookup,
        DiscordPermissions required,
        string refusal,
        CancellationToken cancellationToken,
        bool anyOf = false)
    {
        DiscordPermissions? permissions;
        try
        {
            permissions = await lookup;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Answer(CannotCheckMember);
        }

        var held = (permissions ?? DiscordPermissions.None) & required;
        var granted = anyOf ? held != DiscordPermissions.None : held == required;
        return granted ? null : Answer(refusal);
    }

    /// <summary>Null when the bot may post there; otherwise the answer saying why not, or that Discord could not be asked.</summary>
    private static async Task<CommandReply?> CheckChannelAsync(Task<PostingCheck> check, CancellationToken cancellationToken)
    {
        try
        {
            var result = await check;
            return result.CanPost ? null : Answer(result.Problem ?? CannotCheckChannel);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Discord unavailable, rate limited or slow: nothing is stored, and the user can simply try again.
            return Answer(CannotCheckChannel);
        }
    }

    /// <summary>Counted no further than the limit: enough to know whether one more fits.</summary>
    private Task<int> CountActiveAsync(ulong guildId, CancellationToken cancellationToken) =>
        store.CountActiveAsync(guildId, limits.MaxActivePostsPerGuild, cancellationToken);

    /// <summary>The guild's zone; UTC until one is set (or if a stored name is no longer known).</summary>
    private async Task<TimeZoneInfo> ReadZoneAsync(ulong guildId, CancellationToken cancellationToken) =>
        GuildTimeZones.TryFind(await store.GetTimeZoneAsync(guildId, cancellationToken), out var zone, out _) ? zone : GuildTimeZones.Utc;

    private CommandReply TooManyPosts() => Answer(string.Create(
        CultureInfo.InvariantCulture,
        $"This server already has {limits.MaxActivePostsPerGuild} scheduled posts waiting, the most it may have. Cancel one with `/schedule cancel` first (`/schedule list` shows them)."));

    private static CommandReply Confirm(string postId, ScheduleDraft draft, TimeZoneInfo zone)
    {
        var repeats = draft.Recurrence.Kind == RecurrenceKind.None ? "" : ", repeats " + draft.Recurrence.Describe();
        return Answer($"Scheduled post `{postId}` for {GuildTimeZones.Format(draft.Due, zone)} in <#{draft.ChannelId}>{repeats}.");
    }

    private static CommandReply NotAnId() => Answer("That is not a post id: ids are letters and digits, as `/schedule list` shows them.");

    private static CommandReply Answer(string content) => new(content, Ephemeral: true);
}
