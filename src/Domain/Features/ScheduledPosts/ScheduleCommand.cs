using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Serverless.Domain.Commands;
using Serverless.Domain.Permissions;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// <c>/schedule</c>: a server's scheduled posts. <c>create</c> checks the time and repeat, then opens a modal for the
/// text; the checked draft travels in the modal's custom_id (<see cref="ScheduleDraft"/>), so the post is stored
/// only once the text comes back. Everything answers inline: each step makes one or two small storage calls.
/// </summary>
public sealed class ScheduleCommand(IScheduledPostStore store, IChannelPostingCheck channels, TimeProvider timeProvider) : IBotCommand, IModalHandler
{
    public const string Name = "schedule";

    /// <summary>The modal's text input.</summary>
    public const string ContentInputId = "content";

    public const string MissingPermission = "You need the Manage Messages permission to schedule posts.";

    /// <summary>
    /// The zone read and the channel check before the modal (run together) are bounded so that, with storage or
    /// Discord slow, the user still hears back within Discord's 3 seconds, and nothing typed is lost because the
    /// form has not opened yet.
    /// </summary>
    public static readonly TimeSpan ZoneReadTimeout = TimeSpan.FromSeconds(2);

    private const string CannotCheckChannel = "I couldn't check that channel with Discord just now. Please try again in a moment.";

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
            new() { Name = "list", Description = "List this server's scheduled posts", Type = CommandOptionType.SubCommand },
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

    CommandDefinition IBotCommand.Definition => Definition;

    public string CustomIdPrefix => ScheduleDraft.Prefix;

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!TryAdmit(invocation.GuildId, invocation.MemberPermissions, out var guildId, out var refusal))
        {
            return refusal;
        }

        var options = invocation.Options;
        return options.GetValueOrDefault("subcommand") switch
        {
            "create" => await OpenDraftAsync(guildId, options, cancellationToken),
            "list" => await ListAsync(guildId, cancellationToken),
            "show" => await ShowAsync(guildId, options.GetValueOrDefault("id"), cancellationToken),
            "cancel" => await CancelAsync(guildId, options.GetValueOrDefault("id"), cancellationToken),
            "timezone" => await SetTimeZoneAsync(guildId, options.GetValueOrDefault("zone"), cancellationToken),
            _ => Answer("Discord sent a `/schedule` subcommand I don't know; the command list may be out of date."),
        };
    }

    /// <summary>The filled-in modal of <c>create</c>: checked again, because time has passed and permissions may have changed.</summary>
    public async ValueTask<CommandReply> SubmitAsync(ModalSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (!TryAdmit(submission.GuildId, submission.MemberPermissions, out var guildId, out var refusal))
        {
            return refusal;
        }

        if (!ScheduleDraft.TryDecode(submission.CustomId, out var draft))
        {
            return Answer("This form is out of date. Run `/schedule create` again.");
        }

        if (!PostContent.TryNormalize(submission.Values.GetValueOrDefault(ContentInputId), out var content, out var error))
        {
            return Answer(error ?? "The post's text is not valid.");
        }

        // Again: the channel travelled through the form, and its permissions may have changed while it was open.
        using (var timeout = new CancellationTokenSource(ZoneReadTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            if (await CheckChannelAsync(channels.CheckCanPostAsync(guildId, draft.ChannelId, linked.Token), cancellationToken) is { } channelRefusal)
            {
                return channelRefusal;
            }
        }

        var zone = await ReadZoneAsync(guildId, cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (draft.Due <= now)
        {
            return Answer($"The time you picked, {GuildTimeZones.Format(draft.Due, zone)}, passed while the form was open. Run `/schedule create` again with a later time.");
        }

        var post = new ScheduledPost
        {
            Id = PostIds.New(),
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
        await store.CreateAsync(post, cancellationToken);

        var repeats = draft.Recurrence.Kind == RecurrenceKind.None ? "" : ", repeats " + draft.Recurrence.Describe();
        return Answer($"Scheduled post `{post.Id}` for {GuildTimeZones.Format(draft.Due, zone)} in <#{draft.ChannelId}>{repeats}.");
    }

    private async ValueTask<CommandReply> OpenDraftAsync(ulong guildId, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        if (!ulong.TryParse(options.GetValueOrDefault("channel"), NumberStyles.None, CultureInfo.InvariantCulture, out var channelId))
        {
            return Answer("Pick the channel to post in.");
        }

        if (!PostRecurrence.TryParse(options.GetValueOrDefault("repeat"), options.GetValueOrDefault("cron"), out var recurrence, out var error))
        {
            return Answer(error ?? "That repeat is not valid.");
        }

        TimeZoneInfo zone;
        using (var timeout = new CancellationTokenSource(ZoneReadTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            var zoneRead = ReadZoneAsync(guildId, linked.Token);
            var channelCheck = channels.CheckCanPostAsync(guildId, channelId, linked.Token);
            try
            {
                zone = await zoneRead;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return Answer("Storage is slow to answer right now. Please try `/schedule create` again in a moment.");
            }

            if (await CheckChannelAsync(channelCheck, cancellationToken) is { } refusal)
            {
                return refusal;
            }
        }

        // The parser refuses past times and times too far ahead.
        if (!ScheduleTimeParser.TryParse(options.GetValueOrDefault("when"), zone, timeProvider.GetUtcNow(), out var due, out error))
        {
            return Answer(error ?? "That time is not valid.");
        }

        var draft = new ScheduleDraft(channelId, due, recurrence);
        if (draft.Encode() is not { } customId)
        {
            return Answer($"That cron expression is too long to carry through the form: keep it to {draft.MaxCronLength()} characters.");
        }

        return CommandReply.WithModal(new ModalPrompt(
            customId,
            "Scheduled post",
            [new ModalTextInput(ContentInputId, "Message") { Paragraph = true, MaxLength = PostContent.MaxLength }]));
    }

    private async ValueTask<CommandReply> ListAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var listing = store.ListAsync(guildId, statuses: null, cancellationToken);
        var zone = ReadZoneAsync(guildId, cancellationToken);
        var posts = await listing;
        return posts.Count == 0
            ? Answer("No scheduled posts in this server.")
            : Answer(ScheduledPostFormatter.List(posts, await zone));
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

    /// <summary>The guild's zone; UTC until one is set (or if a stored name is no longer known).</summary>
    private async Task<TimeZoneInfo> ReadZoneAsync(ulong guildId, CancellationToken cancellationToken) =>
        GuildTimeZones.TryFind(await store.GetTimeZoneAsync(guildId, cancellationToken), out var zone, out _) ? zone : GuildTimeZones.Utc;

    /// <summary>
    /// Guild members with Manage Messages (or Administrator) only, checked on every use: the command's default
    /// permission is only a default, which a server can open to anyone.
    /// </summary>
    private static bool TryAdmit(ulong? guildId, MemberPermissions? permissions, out ulong admittedGuildId, [NotNullWhen(false)] out CommandReply? refusal)
    {
        admittedGuildId = guildId ?? 0;
        refusal = guildId is null ? Answer(GuildOnly)
            : !permissions.Grants(MemberPermissions.ManageMessages) ? Answer(MissingPermission)
            : null;
        return refusal is null;
    }

    private static CommandReply NotAnId() => Answer("That is not a post id: ids are letters and digits, as `/schedule list` shows them.");

    private static CommandReply Answer(string content) => new(content, Ephemeral: true);
}
