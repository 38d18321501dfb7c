using System.CommandLine;
using System.Globalization;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Ops.Commands;

/// <summary><c>posts list|show|requeue|cancel</c>: what the scheduled-post pipeline holds, sending failed or stuck posts again, and cancelling one.</summary>
internal static class PostsCommand
{
    private const int ProgressEvery = 50;
    private const int ErrorWidth = 60;

    public static Command Create(OpsContext context) =>
        new("posts", "Inspect scheduled posts, requeue failed or stuck ones, and cancel one.")
        {
            CreateList(context),
            CreateShow(context),
            CreateRequeue(context),
            CreateCancel(context),
        };

    private static Option<ulong?> GuildOption() => new("--guild") { HelpName = "ID", Description = "Only this guild's posts." };

    private static Option<string?> StatusOption(string description) => new("--status") { HelpName = "STATUS[,STATUS]", Description = description };

    private static Command CreateList(OpsContext context)
    {
        var guild = GuildOption();
        var status = StatusOption("Only posts in these states: pending, processing, published, failed, cancelled.");
        var command = new Command("list", "List scheduled posts, newest first: guild, id, status, next run (UTC), attempts, channel, last error.")
        {
            guild, status,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var statuses = ParseStatuses(parse.GetValue(status));
            var store = new TableScheduledPostStore(await context.LoadStorageAsync(parse, cancellationToken));
            var posts = await store.ListAsync(parse.GetValue(guild), statuses, cancellationToken);
            await context.WriteResultAsync(parse, new ListResult([.. posts.Select(PostJson.From)]), async output =>
            {
                if (posts.Count == 0)
                {
                    await output.WriteLineAsync("No scheduled posts match.");
                    return;
                }

                List<string[]> rows = [["guild", "id", "status", "next run (UTC)", "attempts", "channel", "last error"]];
                rows.AddRange(posts.Select(post => new[]
                {
                    Format(post.GuildId),
                    post.Id,
                    StatusName(post.Status),
                    post.NextRunAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-",
                    post.Attempts.ToString(CultureInfo.InvariantCulture),
                    Format(post.ChannelId),
                    Shorten(post.LastError),
                }));
                await TextTable.WriteAsync(output, rows, leftAlignedColumns: 4);
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateShow(OpsContext context)
    {
        var id = new Argument<string>("ID") { Description = "The post's id, as 'posts list' shows it." };
        var guild = new Option<ulong?>("--guild") { HelpName = "ID", Description = "The post's guild; without it every guild is searched." };
        var command = new Command("show", "Print every field of one scheduled post, its content included.")
        {
            id, guild,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var store = new TableScheduledPostStore(await context.LoadStorageAsync(parse, cancellationToken));
            var post = await FindAsync(store, parse.GetValue(id)!, parse.GetValue(guild), cancellationToken);
            var json = PostJson.From(post);
            await context.WriteResultAsync(parse, json, async output =>
            {
                foreach (var (name, value) in json.Fields())
                {
                    await output.WriteLineAsync($"{name + ":",-26}{value}");
                }
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateCancel(OpsContext context)
    {
        var id = new Argument<string>("ID") { Description = "The post's id, as 'posts list' shows it." };
        var guild = new Option<ulong>("--guild") { HelpName = "ID", Description = "The post's guild.", Required = true };
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "cancel",
            "Cancel one scheduled post, as /schedule cancel does: it is never published again. A post already published or "
            + "cancelled is reported and left alone. Asks for confirmation (or --yes).")
        {
            id, guild,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var store = new TableScheduledPostStore(await context.LoadStorageAsync(parse, cancellationToken));
            var guildId = parse.GetValue(guild);
            var post = await FindAsync(store, parse.GetValue(id)!, guildId, cancellationToken);
            if (post.Status is PostStatus.Published or PostStatus.Cancelled)
            {
                await WriteCancelAsync(context, parse, new CancelResult(false, post.Id, Format(post.GuildId), false, StatusName(post.Status)),
                    $"Post {post.Id} is already {StatusName(post.Status)}; nothing to cancel.");
                return ExitCodes.Ok;
            }

            if (confirmation.IsDryRun(parse))
            {
                await WriteCancelAsync(context, parse, new CancelResult(true, post.Id, Format(post.GuildId), false, StatusName(post.Status)),
                    $"Dry run: would cancel post {post.Id} ({StatusName(post.Status)}, next run {When(post.NextRunAt)}) in guild {Format(post.GuildId)}; nothing changed.");
                return ExitCodes.Ok;
            }

            if (!await confirmation.ConfirmAsync(parse, context, $"cancel post {post.Id} in guild {Format(post.GuildId)}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            if (await store.CancelAsync(post.GuildId, post.Id, cancellationToken))
            {
                await WriteCancelAsync(context, parse, new CancelResult(false, post.Id, Format(post.GuildId), true, StatusName(PostStatus.Cancelled)),
                    $"Cancelled post {post.Id} in guild {Format(post.GuildId)}.");
                return ExitCodes.Ok;
            }

            // Published, cancelled or changed between the read and the write: say what it is now.
            var now = await store.GetAsync(post.GuildId, post.Id, cancellationToken);
            var state = now is null ? "deleted" : StatusName(now.Status);
            await WriteCancelAsync(context, parse, new CancelResult(false, post.Id, Format(post.GuildId), false, state),
                $"Post {post.Id} was not cancelled: it is {state} now.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Task WriteCancelAsync(OpsContext context, ParseResult parse, CancelResult result, string text) =>
        context.WriteResultAsync(parse, result, output => output.WriteLineAsync(text));

    /// <summary>One post by id: in <paramref name="guildId"/>, or searched for in every guild.</summary>
    /// <exception cref="OpsUsageException">No post has that id, or several guilds have one.</exception>
    private static async Task<ScheduledPost> FindAsync(TableScheduledPostStore store, string postId, ulong? guildId, CancellationToken cancellationToken)
    {
        if (guildId is { } guild)
        {
            return await store.GetAsync(guild, postId, cancellationToken)
                ?? throw new OpsUsageException($"No scheduled post '{postId}' in guild {Format(guild)}.");
        }

        // Ids are unique per guild only; an operator rarely knows the guild, so every guild is searched.
        var matches = (await store.ListAsync(null, null, cancellationToken)).Where(post => post.Id == postId).ToList();
        return matches.Count switch
        {
            0 => throw new OpsUsageException($"No scheduled post '{postId}'."),
            1 => matches[0],
            _ => throw new OpsUsageException($"Several guilds have a post '{postId}' ({string.Join(", ", matches.Select(post => Format(post.GuildId)))}): add --guild ID."),
        };
    }

    private static Command CreateRequeue(OpsContext context)
    {
        var id = new Option<string?>("--id") { HelpName = "ID", Description = "The post to requeue." };
        var guild = GuildOption();
        var status = StatusOption("Requeue every post in these states: failed, processing (a claim stuck past its lease).");
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "requeue",
            "Put posts back to pending, due at once for an occurrence already due, attempts reset; the next run of the "
            + "scheduled-posts-due timer (every minute) claims them. A post whose last send was never confirmed is looked "
            + "for in its channel before it is sent again, so a post that did reach Discord is not posted twice. Give --id "
            + "or --status; by --status it asks for confirmation (or --yes), and --dry-run lists the posts it would requeue. "
            + "Published and cancelled posts are left alone.")
        {
            id, guild, status,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var postId = parse.GetValue(id);
            var statusText = parse.GetValue(status);
            if ((postId is null) == (statusText is null))
            {
                throw new OpsUsageException("Give either --id ID or --status failed,processing.");
            }

            var statuses = ParseStatuses(statusText);
            if (statuses.Any(s => s is PostStatus.Published or PostStatus.Cancelled))
            {
                throw new OpsUsageException("Only failed, pending and processing posts can be requeued.");
            }

            var store = new TableScheduledPostStore(await context.LoadStorageAsync(parse, cancellationToken));
            var targets = (await store.ListAsync(parse.GetValue(guild), statuses, cancellationToken))
                .Where(post => postId is null || post.Id == postId)
                .ToList();
            if (postId is not null && targets.Count == 0)
            {
                throw new OpsUsageException($"No scheduled post '{postId}'{(parse.GetValue(guild) is { } g ? " in guild " + Format(g) : "")}.");
            }

            var requeueable = targets.Where(post => post.Status is not (PostStatus.Published or PostStatus.Cancelled)).ToList();
            if (confirmation.IsDryRun(parse))
            {
                await context.WriteResultAsync(
                    parse,
                    new RequeueResult(true, requeueable.Count, targets.Count - requeueable.Count, requeueable.Count(post => post.UnconfirmedSend is not null), [.. requeueable.Select(PostJson.From)]),
                    async output =>
                    {
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Dry run: would requeue {Posts(requeueable.Count)}; nothing changed."));
                        foreach (var post in requeueable)
                        {
                            await output.WriteLineAsync($"{Format(post.GuildId)}  {post.Id}  {StatusName(post.Status)}  {Shorten(post.LastError)}");
                        }
                    });
                return ExitCodes.Ok;
            }

            // One post by id is no bulk change; a status can match thousands.
            if (postId is null && requeueable.Count > 0
                && !await confirmation.ConfirmAsync(parse, context, $"requeue {Posts(requeueable.Count)}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var requeued = 0;
            var skipped = 0;
            var unconfirmed = 0;
            foreach (var post in targets)
            {
                if (await store.RequeueAsync(post.GuildId, post.Id, context.TimeProvider.GetUtcNow(), cancellationToken))
                {
                    requeued++;
                    unconfirmed += post.UnconfirmedSend is null ? 0 : 1;
                }
                else
                {
                    skipped++;
                }

                if ((requeued + skipped) % ProgressEvery == 0)
                {
                    // Progress, not the result: stderr, so stdout holds only the summary.
                    await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"requeued {requeued}/{targets.Count}"));
                }
            }

            await context.WriteResultAsync(parse, new RequeueResult(false, requeued, skipped, unconfirmed, null), async output =>
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Requeued {Posts(requeued)}{(skipped > 0 ? $"; {skipped} already published or cancelled" : "")}."));
                if (unconfirmed > 0)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{unconfirmed} of them may already be in their channel (a send never confirmed): they are looked for there before being sent again."));
                }
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static string Posts(int count) => string.Create(CultureInfo.InvariantCulture, $"{count} post{(count == 1 ? "" : "s")}");

    private static string StatusName(PostStatus status) => status.ToString().ToLowerInvariant();

    private static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    private sealed record ListResult(IReadOnlyList<PostJson> Posts);

    /// <param name="Posts">The posts a dry run would requeue; null after a real run.</param>
    private sealed record RequeueResult(bool DryRun, int Requeued, int Skipped, int Unconfirmed, IReadOnlyList<PostJson>? Posts);

    /// <param name="Status">The post's status after the command.</param>
    private sealed record CancelResult(bool DryRun, string Id, string GuildId, bool Cancelled, string Status);

    /// <summary>Every field of a post, ids as strings.</summary>
    private sealed record PostJson(
        string Id,
        string GuildId,
        string ChannelId,
        string Status,
        string Content,
        string Recurrence,
        string? Cron,
        string TimeZone,
        DateTimeOffset Anchor,
        DateTimeOffset? NextRunAt,
        int Attempts,
        string? LastError,
        string CreatedBy,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastPublishedOccurrence,
        string? LastMessageId,
        UnconfirmedSend? UnconfirmedSend)
    {
        public static PostJson From(ScheduledPost post) => new(
            post.Id,
            Format(post.GuildId),
            Format(post.ChannelId),
            StatusName(post.Status),
            post.Content,
            post.Recurrence.Kind.ToString().ToLowerInvariant(),
            post.Recurrence.Cron,
            post.TimeZone,
            post.Anchor,
            post.NextRunAt,
            post.Attempts,
            post.LastError,
            Format(post.CreatedBy),
            post.CreatedAt,
            post.LastPublishedOccurrence,
            post.LastMessageId is { } message ? Format(message) : null,
            post.UnconfirmedSend);

        /// <summary>The fields as <c>posts show</c> prints them, in this order.</summary>
        public IEnumerable<(string Name, string Value)> Fields()
        {
            yield return ("id", Id);
            yield return ("guild", GuildId);
            yield return ("channel", ChannelId);
            yield return ("status", Status);
            yield return ("recurrence", Cron is null ? Recurrence : $"{Recurrence} {Cron}");
            yield return ("time zone", TimeZone);
            yield return ("anchor (UTC)", Utc(Anchor));
            yield return ("next run (UTC)", Utc(NextRunAt));
            yield return ("attempts", Attempts.ToString(CultureInfo.InvariantCulture));
            yield return ("last error", LastError ?? "-");
            yield return ("created by", CreatedBy);
            yield return ("created (UTC)", Utc(CreatedAt));
            yield return ("last published (UTC)", Utc(LastPublishedOccurrence));
            yield return ("last message", LastMessageId ?? "-");
            yield return ("unconfirmed send", UnconfirmedSend is { } send
                ? $"occurrence {Utc(send.Occurrence)}, tried {Utc(send.FirstTriedAt)} to {Utc(send.LastTriedAt)}"
                : "-");
            yield return ("content", Content.ReplaceLineEndings("\n" + new string(' ', 26)));
        }

        private static string Utc(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
    }

    private static PostStatus[] ParseStatuses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name =>
            Enum.TryParse<PostStatus>(name, ignoreCase: true, out var status) && !int.TryParse(name, out _)
                ? status
                : throw new OpsUsageException($"Unknown status '{name}': use pending, processing, published, failed or cancelled."))];
    }

    private static string Format(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string? text) =>
        text is null ? "-" : text.Length <= ErrorWidth ? text : text[..(ErrorWidth - 1)] + "…";
}
