using System.CommandLine;
using System.Globalization;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Ops.Commands;

/// <summary><c>posts list|requeue</c>: what the scheduled-post pipeline holds, and sending failed or stuck posts again.</summary>
internal static class PostsCommand
{
    private const int ProgressEvery = 50;
    private const int ErrorWidth = 60;

    public static Command Create(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error, TimeProvider timeProvider) =>
        new("posts", "Inspect scheduled posts and requeue failed or stuck ones.")
        {
            CreateList(environment, settings, output, error),
            CreateRequeue(environment, settings, output, error, timeProvider),
        };

    private static Option<ulong?> GuildOption() => new("--guild") { HelpName = "ID", Description = "Only this guild's posts." };

    private static Option<string?> StatusOption(string description) => new("--status") { HelpName = "STATUS[,STATUS]", Description = description };

    private static Command CreateList(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error)
    {
        var guild = GuildOption();
        var status = StatusOption("Only posts in these states: pending, processing, published, failed, cancelled.");
        var command = new Command("list", "List scheduled posts, newest first: guild, id, status, next run (UTC), attempts, channel, last error.")
        {
            guild, status,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(error, async () =>
        {
            var statuses = ParseStatuses(parse.GetValue(status));
            var store = new TableScheduledPostStore(await OpsSettings.LoadStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken));
            var posts = await store.ListAsync(parse.GetValue(guild), statuses, cancellationToken);
            if (posts.Count == 0)
            {
                await output.WriteLineAsync("No scheduled posts match.");
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["guild", "id", "status", "next run (UTC)", "attempts", "channel", "last error"]];
            rows.AddRange(posts.Select(post => new[]
            {
                Format(post.GuildId),
                post.Id,
                post.Status.ToString().ToLowerInvariant(),
                post.NextRunAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-",
                post.Attempts.ToString(CultureInfo.InvariantCulture),
                Format(post.ChannelId),
                Shorten(post.LastError),
            }));
            await TextTable.WriteAsync(output, rows, leftAlignedColumns: 4);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRequeue(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        var id = new Option<string?>("--id") { HelpName = "ID", Description = "The post to requeue." };
        var guild = GuildOption();
        var status = StatusOption("Requeue every post in these states: failed, processing (a claim stuck past its lease).");
        var command = new Command(
            "requeue",
            "Put posts back to pending, due at once for an occurrence already due, attempts reset; the next run of the "
            + "scheduled-posts-due timer (every minute) claims them. A post whose last send was never confirmed is looked "
            + "for in its channel before it is sent again, so a post that did reach Discord is not posted twice. Give --id "
            + "or --status. Published and cancelled posts are left alone.")
        {
            id, guild, status,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(error, async () =>
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

            var store = new TableScheduledPostStore(await OpsSettings.LoadStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken));
            var targets = (await store.ListAsync(parse.GetValue(guild), statuses, cancellationToken))
                .Where(post => postId is null || post.Id == postId)
                .ToList();
            if (postId is not null && targets.Count == 0)
            {
                throw new OpsUsageException($"No scheduled post '{postId}'{(parse.GetValue(guild) is { } g ? " in guild " + Format(g) : "")}.");
            }

            var requeued = 0;
            var skipped = 0;
            var unconfirmed = 0;
            foreach (var post in targets)
            {
                if (await store.RequeueAsync(post.GuildId, post.Id, timeProvider.GetUtcNow(), cancellationToken))
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
                    await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"requeued {requeued}/{targets.Count}"));
                }
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Requeued {requeued} post{(requeued == 1 ? "" : "s")}{(skipped > 0 ? $"; {skipped} already published or cancelled" : "")}."));
            if (unconfirmed > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{unconfirmed} of them may already be in their channel (a send never confirmed): they are looked for there before being sent again."));
            }
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
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
