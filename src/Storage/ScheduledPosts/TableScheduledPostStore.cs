using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.Tables;

namespace Serverless.Storage.ScheduledPosts;

/// <summary>
/// Scheduled posts in three tables:
/// <list type="bullet">
/// <item><c>scheduledposts</c>: PartitionKey guild id, RowKey post id; the post itself (list, show, cancel per guild).</item>
/// <item><c>scheduledpostsdue</c>: the due index. PartitionKey <c>due-0</c>…<c>due-f</c> (a hash of the post id),
/// RowKey <c>{due ticks:D19}-{guild}-{post}</c>: "what is due now" is one range query per shard, however many guilds
/// there are. A row exists while its occurrence waits to be published; its ETag-guarded lease is the claim.</item>
/// <item><c>guildsettings</c>: PartitionKey guild id, RowKey <c>schedule</c>; the guild's time zone.</item>
/// </list>
/// </summary>
public sealed class TableScheduledPostStore(StorageAccount account) : IScheduledPostStore
{
    public const string PostsTable = "scheduledposts";
    public const string DueTable = "scheduledpostsdue";
    public const string SettingsTable = "guildsettings";
    public const int DueShards = 16;
    private const string SettingsRow = "schedule";

    // Claims of one shard run this many at a time: enough to keep Azurite or Azure busy, few enough to stay polite.
    private const int ClaimConcurrency = 8;

    /// <summary>Posts that still count against a server's limit: not yet published, nor cancelled.</summary>
    private static readonly PostStatus[] ActiveStatuses = [PostStatus.Pending, PostStatus.Processing, PostStatus.Failed];

    private TableClient? _posts;
    private TableClient? _due;
    private TableClient? _settings;

    private TableClient Posts => _posts ??= account.Tables.GetTableClient(PostsTable);

    private TableClient Due => _due ??= account.Tables.GetTableClient(DueTable);

    private TableClient Settings => _settings ??= account.Tables.GetTableClient(SettingsTable);

    public static string DueShard(string postId)
    {
        ArgumentNullException.ThrowIfNull(postId);
        return "due-" + (SHA256.HashData(Encoding.UTF8.GetBytes(postId))[0] & 0xF).ToString("x1", CultureInfo.InvariantCulture);
    }

    public static string DueRowKey(DateTimeOffset due, ulong guildId, string postId) =>
        string.Create(CultureInfo.InvariantCulture, $"{due.UtcTicks:D19}-{guildId}-{postId}");

    public async Task<bool> CreateAsync(ScheduledPost post, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);

        // A repeated create (the same form again) must not bring back the index row of a post that has since been
        // published or cancelled.
        if (await GetRowAsync(Posts, Key(post.GuildId), post.Id, cancellationToken) is not null)
        {
            return false;
        }

        // The index row first: a crash before the post row leaves an index row the publisher drops, never a post
        // that is pending forever.
        if (post.NextRunAt is { } due)
        {
            await Due.WithTableAsync(() => Due.UpsertEntityAsync(DueEntity(post.GuildId, post.Id, due), TableUpdateMode.Replace, cancellationToken), cancellationToken);
        }

        try
        {
            await Posts.WithTableAsync(() => Posts.AddEntityAsync(ToEntity(post), cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // The same post, stored by a run that raced this one; its index row is the one just written again.
            return false;
        }
    }

    public async Task<ScheduledPost?> GetAsync(ulong guildId, string postId, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(Posts, Key(guildId), postId, cancellationToken);
        return row is null ? null : ToPost(row);
    }

    public async Task<IReadOnlyList<ScheduledPost>> ListAsync(ulong? guildId, IReadOnlyCollection<PostStatus>? statuses, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (guildId is { } guild)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {Key(guild)}"));
        }

        if (statuses is { Count: > 0 })
        {
            filters.Add("(" + string.Join(" or ", statuses.Select(status => TableClient.CreateQueryFilter($"Status eq {StatusName(status)}"))) + ")");
        }

        var posts = new List<ScheduledPost>();
        try
        {
            await foreach (var row in Posts.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken))
            {
                posts.Add(ToPost(row));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return [.. posts.OrderByDescending(post => post.CreatedAt)];
    }

    public async Task<IReadOnlyList<ScheduledPost>> ListPageAsync(ulong guildId, string? afterId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(guildId)} and RowKey gt {afterId ?? ""}");
        var posts = new List<ScheduledPost>(count);
        try
        {
            // Key-only filters: the service returns rows in key order and fills each page, so this is one request.
            await foreach (var row in Posts.QueryAsync<TableEntity>(filter, maxPerPage: count, cancellationToken: cancellationToken))
            {
                posts.Add(ToPost(row));
                if (posts.Count == count)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return posts;
    }

    public async Task<int> CountActiveAsync(ulong guildId, int upTo, CancellationToken cancellationToken)
    {
        if (upTo <= 0)
        {
            return 0;
        }

        var active = string.Join(" or ", ActiveStatuses.Select(status => TableClient.CreateQueryFilter($"Status eq {StatusName(status)}")));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(guildId)}") + " and (" + active + ")";
        var count = 0;

        try
        {
            await foreach (var _ in Posts.QueryAsync<TableEntity>(filter, maxPerPage: upTo, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (++count == upTo)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return 0;
        }

        return count;
    }

    public async Task<bool> CancelAsync(ulong guildId, string postId, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(Posts, Key(guildId), postId, cancellationToken);
        if (row is null || ParseStatus(row) is PostStatus.Published or PostStatus.Cancelled)
        {
            return false;
        }

        row["Status"] = StatusName(PostStatus.Cancelled);
        try
        {
            await Posts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            // Published or changed meanwhile: let the caller look again rather than cancel a stale view.
            return false;
        }

        if (row.GetDateTimeOffset("NextRunAt") is { } due)
        {
            await DeleteDueAsync(guildId, postId, due, cancellationToken);
        }

        return true;
    }

    public async Task<ClaimRun> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onClaimed);
        var upTo = string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks + 1:D19}");
        var claimed = 0;
        var leased = 0;
        var lost = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, DueShards), cancellationToken, async (shard, ct) =>
        {
            var partition = "due-" + shard.ToString("x1", CultureInfo.InvariantCulture);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {upTo}");
            IAsyncEnumerable<TableEntity> rows;
            try
            {
                rows = Due.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct);
                await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = ClaimConcurrency, CancellationToken = ct }, async (row, rowCt) =>
                {
                    switch (await TryClaimAsync(row, now, lease, onClaimed, rowCt))
                    {
                        case ClaimResult.Claimed:
                            Interlocked.Increment(ref claimed);
                            break;
                        case ClaimResult.Leased:
                            Interlocked.Increment(ref leased);
                            break;
                        case ClaimResult.Lost:
                            Interlocked.Increment(ref lost);
                            break;
                    }
                });
            }
            catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
            {
                // No post was ever scheduled.
            }
        });

        return new ClaimRun(claimed, leased, lost);
    }

    private enum ClaimResult
    {
        Claimed,
        Leased,
        Lost,
    }

    private async Task<ClaimResult> TryClaimAsync(TableEntity row, DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken)
    {
        if (row.GetDateTimeOffset("LeaseUntil") is { } until && until > now)
        {
            return ClaimResult.Leased;
        }

        // Failures, not claims: a claim taken again because a slow or dead publisher let its lease run out is the same attempt.
        var attempt = (row.GetInt32("Failures") ?? 0) + 1;
        row["LeaseUntil"] = now + lease;
        try
        {
            // The ETag from the query: of two overlapping runs only one can move the lease.
            await Due.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            return ClaimResult.Lost;
        }

        var guildId = ulong.Parse(row.GetString("GuildId")!, CultureInfo.InvariantCulture);
        var postId = row.GetString("PostId")!;
        await onClaimed(new PostClaim(guildId, postId, DueOf(row.RowKey), attempt), cancellationToken);
        return ClaimResult.Claimed;
    }

    public async Task<SendStart> BeginSendAsync(PostClaim claim, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        while (true)
        {
            var row = await GetRowAsync(Posts, Key(claim.GuildId), claim.PostId, cancellationToken);
            if (row is null || ParseStatus(row) == PostStatus.Cancelled)
            {
                await DeleteDueAsync(claim.GuildId, claim.PostId, claim.Due, cancellationToken);
                return SendStart.Refused;
            }

            if (ParseStatus(row) == PostStatus.Published || row.GetDateTimeOffset("LastPublishedOccurrence") >= occurrence)
            {
                // Whoever published it tidies up its claim.
                return SendStart.Refused;
            }

            var earlier = Unconfirmed(row) is { } unconfirmed && unconfirmed.Occurrence == occurrence ? unconfirmed : null;
            row["Status"] = StatusName(PostStatus.Processing);
            row["SendingOccurrenceTicks"] = occurrence.UtcTicks;
            row["SendingFirstTriedAt"] = earlier?.FirstTriedAt ?? now;
            row["SendingLastTriedAt"] = now;
            if (await TryReplaceAsync(row, cancellationToken) is { } written)
            {
                return written ? new SendStart(true, earlier) : SendStart.Refused;
            }
        }
    }

    public Task ReleaseAsync(PostClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return DeleteDueAsync(claim.GuildId, claim.PostId, claim.Due, cancellationToken);
    }

    public async Task CompleteAsync(PostClaim claim, DateTimeOffset occurrence, ulong messageId, DateTimeOffset? nextRunAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var next = nextRunAt is { } nextDue && nextDue != claim.Due ? nextDue : (DateTimeOffset?)null;
        while (true)
        {
            var row = await GetRowAsync(Posts, Key(claim.GuildId), claim.PostId, cancellationToken);
            if (row is null)
            {
                break;
            }

            if (row.GetDateTimeOffset("LastPublishedOccurrence") >= occurrence)
            {
                // Recorded already (a previous try died before tidying up); its next occurrence, if any, is the live claim.
                if (row.GetDateTimeOffset("NextRunAt") == claim.Due)
                {
                    return;
                }

                break;
            }

            var status = ParseStatus(row);
            var goesOn = status is not (PostStatus.Cancelled or PostStatus.Published);
            if (goesOn && next is { } upcoming)
            {
                // The next occurrence's index row before anything else: a crash after it only repeats this completion.
                await Due.WithTableAsync(() => Due.UpsertEntityAsync(DueEntity(claim.GuildId, claim.PostId, upcoming), TableUpdateMode.Replace, cancellationToken), cancellationToken);
            }
            else if (next is { } unwanted)
            {
                // Cancelled while this try ran: an index row a previous pass of this loop wrote must not publish again.
                await DeleteDueAsync(claim.GuildId, claim.PostId, unwanted, cancellationToken);
            }

            if (goesOn)
            {
                row["Status"] = StatusName(nextRunAt is null ? PostStatus.Published : PostStatus.Pending);
                row["NextRunAt"] = nextRunAt;
                row["Attempts"] = 0;
                row["LastError"] = null;
            }

            row["LastPublishedOccurrence"] = occurrence;
            row["LastMessageId"] = messageId.ToString(CultureInfo.InvariantCulture);
            ClearUnconfirmed(row);
            if (await TryReplaceAsync(row, cancellationToken) is not null)
            {
                break;
            }
        }

        await DeleteDueAsync(claim.GuildId, claim.PostId, claim.Due, cancellationToken);
    }

    public async Task FailAsync(PostClaim claim, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        while (true)
        {
            var row = await GetRowAsync(Posts, Key(claim.GuildId), claim.PostId, cancellationToken);
            if (row is null || ParseStatus(row) == PostStatus.Cancelled)
            {
                await DeleteDueAsync(claim.GuildId, claim.PostId, claim.Due, cancellationToken);
                return;
            }

            if (ParseStatus(row) == PostStatus.Published || row.GetDateTimeOffset("LastPublishedOccurrence") >= claim.Due)
            {
                // Another try published this occurrence: nothing failed.
                return;
            }

            if (retryAt is { } at)
            {
                // The lease is the back-off: the timer claims the occurrence again once it runs out, as the next attempt.
                var lease = new TableEntity(DueShard(claim.PostId), DueRowKey(claim.Due, claim.GuildId, claim.PostId)) { ["LeaseUntil"] = at, ["Failures"] = claim.Attempt };
                try
                {
                    await Due.UpdateEntityAsync(lease, ETag.All, TableUpdateMode.Merge, cancellationToken);
                }
                catch (RequestFailedException exception) when (exception.Status == 404)
                {
                    // Cancelled or requeued meanwhile.
                }
            }
            else
            {
                await DeleteDueAsync(claim.GuildId, claim.PostId, claim.Due, cancellationToken);
            }

            row["Status"] = StatusName(retryAt is null ? PostStatus.Failed : PostStatus.Pending);
            row["Attempts"] = claim.Attempt;
            row["LastError"] = failure;
            if (await TryReplaceAsync(row, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    public async Task<bool> RequeueAsync(ulong guildId, string postId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? indexed = null;
        while (true)
        {
            var row = await GetRowAsync(Posts, Key(guildId), postId, cancellationToken);
            if (row is null || ParseStatus(row) is PostStatus.Published or PostStatus.Cancelled)
            {
                if (indexed is { } stray)
                {
                    await DeleteDueAsync(guildId, postId, stray, cancellationToken);
                }

                return false;
            }

            // The same occurrence again (so its nonce is the same), due at once if it was due already. An unconfirmed
            // send stays noted, so the publisher looks for it in the channel before sending it again.
            var due = row.GetDateTimeOffset("NextRunAt") ?? now;
            await Due.WithTableAsync(() => Due.UpsertEntityAsync(DueEntity(guildId, postId, due), TableUpdateMode.Replace, cancellationToken), cancellationToken);
            indexed = due;
            row["Status"] = StatusName(PostStatus.Pending);
            row["Attempts"] = 0;
            row["NextRunAt"] = due;
            if (await TryReplaceAsync(row, cancellationToken) is { } written)
            {
                return written;
            }
        }
    }

    public async Task<string?> GetTimeZoneAsync(ulong guildId, CancellationToken cancellationToken) =>
        (await GetRowAsync(Settings, Key(guildId), SettingsRow, cancellationToken))?.GetString("TimeZone");

    public Task SetTimeZoneAsync(ulong guildId, string timeZone, CancellationToken cancellationToken) =>
        Settings.WithTableAsync(
            () => Settings.UpsertEntityAsync(new TableEntity(Key(guildId), SettingsRow) { ["TimeZone"] = timeZone }, TableUpdateMode.Merge, cancellationToken),
            cancellationToken);

    /// <summary>
    /// Writes a row read just before, if nobody changed it since (its ETag): true when written, false when the post
    /// is gone, null when it changed (read it again and decide again: it may have been cancelled or published).
    /// </summary>
    private async Task<bool?> TryReplaceAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await Posts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            return null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return false;
        }
    }

    private static UnconfirmedSend? Unconfirmed(TableEntity row) =>
        row.GetInt64("SendingOccurrenceTicks") is { } ticks
            ? new UnconfirmedSend(
                new DateTimeOffset(ticks, TimeSpan.Zero),
                row.GetDateTimeOffset("SendingFirstTriedAt") ?? DateTimeOffset.MinValue,
                row.GetDateTimeOffset("SendingLastTriedAt") ?? DateTimeOffset.MinValue)
            : null;

    private static void ClearUnconfirmed(TableEntity row)
    {
        row.Remove("SendingOccurrenceTicks");
        row.Remove("SendingFirstTriedAt");
        row.Remove("SendingLastTriedAt");
    }

    private async Task DeleteDueAsync(ulong guildId, string postId, DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            await Due.DeleteEntityAsync(DueShard(postId), DueRowKey(due, guildId, postId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already gone: completions and cancels may repeat.
        }
    }

    private static async Task<TableEntity?> GetRowAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            return found.HasValue ? found.Value : null;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }
    }

    private static TableEntity DueEntity(ulong guildId, string postId, DateTimeOffset due) => new(DueShard(postId), DueRowKey(due, guildId, postId))
    {
        ["GuildId"] = Key(guildId),
        ["PostId"] = postId,
        ["Due"] = due,
        ["Failures"] = 0,
    };

    /// <summary>The due instant exactly as in the row key (a stored date-time property may lose precision).</summary>
    private static DateTimeOffset DueOf(string rowKey) => new(long.Parse(rowKey.AsSpan(0, 19), CultureInfo.InvariantCulture), TimeSpan.Zero);

    private static string Key(ulong guildId) => guildId.ToString(CultureInfo.InvariantCulture);

    private static string StatusName(PostStatus status) => status.ToString().ToLowerInvariant();

    private static PostStatus ParseStatus(TableEntity row) =>
        Enum.TryParse<PostStatus>(row.GetString("Status"), ignoreCase: true, out var status) ? status : PostStatus.Pending;

    private static TableEntity ToEntity(ScheduledPost post) => new(Key(post.GuildId), post.Id)
    {
        ["ChannelId"] = post.ChannelId.ToString(CultureInfo.InvariantCulture),
        ["Content"] = post.Content,
        ["Repeat"] = post.Recurrence.Kind.ToString().ToLowerInvariant(),
        ["Cron"] = post.Recurrence.Cron,
        ["TimeZone"] = post.TimeZone,
        ["Anchor"] = post.Anchor,
        ["NextRunAt"] = post.NextRunAt,
        ["Status"] = StatusName(post.Status),
        ["Attempts"] = post.Attempts,
        ["LastError"] = post.LastError,
        ["CreatedBy"] = post.CreatedBy.ToString(CultureInfo.InvariantCulture),
        ["CreatedAt"] = post.CreatedAt,
        ["LastPublishedOccurrence"] = post.LastPublishedOccurrence,
        ["LastMessageId"] = post.LastMessageId?.ToString(CultureInfo.InvariantCulture),
    };

    private static ScheduledPost ToPost(TableEntity row) => new()
    {
        Id = row.RowKey,
        GuildId = ulong.Parse(row.PartitionKey, CultureInfo.InvariantCulture),
        ChannelId = ulong.Parse(row.GetString("ChannelId") ?? "0", CultureInfo.InvariantCulture),
        Content = row.GetString("Content") ?? "",
        Recurrence = Enum.TryParse<RecurrenceKind>(row.GetString("Repeat"), ignoreCase: true, out var kind) && kind != RecurrenceKind.None
            ? new PostRecurrence(kind, row.GetString("Cron"))
            : PostRecurrence.None,
        TimeZone = row.GetString("TimeZone") ?? "UTC",
        Anchor = row.GetDateTimeOffset("Anchor") ?? DateTimeOffset.MinValue,
        NextRunAt = row.GetDateTimeOffset("NextRunAt"),
        Status = ParseStatus(row),
        Attempts = row.GetInt32("Attempts") ?? 0,
        LastError = string.IsNullOrEmpty(row.GetString("LastError")) ? null : row.GetString("LastError"),
        CreatedBy = ulong.Parse(row.GetString("CreatedBy") ?? "0", CultureInfo.InvariantCulture),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        LastPublishedOccurrence = row.GetDateTimeOffset("LastPublishedOccurrence"),
        LastMessageId = ulong.TryParse(row.GetString("LastMessageId"), NumberStyles.None, CultureInfo.InvariantCulture, out var messageId) ? messageId : null,
        UnconfirmedSend = Unconfirmed(row),
    };
}
