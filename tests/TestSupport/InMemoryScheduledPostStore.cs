using System.Collections.Concurrent;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.TestSupport;

/// <summary>
/// The parts of <see cref="IScheduledPostStore"/> that <c>/schedule</c> uses, in memory; the publisher's claim cycle
/// is the Tables store's to test.
/// </summary>
public sealed class InMemoryScheduledPostStore : IScheduledPostStore
{
    private readonly ConcurrentDictionary<(ulong GuildId, string PostId), ScheduledPost> _posts = new();
    private readonly ConcurrentDictionary<ulong, string> _zones = new();

    /// <summary>While set, time zone reads wait for it (or for cancellation), like a slow storage account.</summary>
    public Task? HoldTimeZoneReads { get; set; }

    public IReadOnlyCollection<ScheduledPost> Posts => [.. _posts.Values];

    /// <summary>While set, creates wait for it (or for cancellation), like a storage account retrying.</summary>
    public Task? HoldCreates { get; set; }

    public async Task<bool> CreateAsync(ScheduledPost post, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        if (HoldCreates is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        return _posts.TryAdd((post.GuildId, post.Id), post);
    }

    public Task<IReadOnlyList<ScheduledPost>> ListPageAsync(ulong guildId, string? afterId, int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ScheduledPost>>(
        [
            .. _posts.Values
                .Where(post => post.GuildId == guildId && (afterId is null || string.CompareOrdinal(post.Id, afterId) > 0))
                .OrderBy(post => post.Id, StringComparer.Ordinal)
                .Take(count),
        ]);

    public Task<int> CountActiveAsync(ulong guildId, int upTo, CancellationToken cancellationToken) =>
        Task.FromResult(_posts.Values
            .Where(post => post.GuildId == guildId && post.Status is PostStatus.Pending or PostStatus.Processing or PostStatus.Failed)
            .Take(upTo)
            .Count());

    public Task<ScheduledPost?> GetAsync(ulong guildId, string postId, CancellationToken cancellationToken) =>
        Task.FromResult(_posts.GetValueOrDefault((guildId, postId)));

    public Task<IReadOnlyList<ScheduledPost>> ListAsync(ulong? guildId, IReadOnlyCollection<PostStatus>? statuses, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ScheduledPost>>(
        [
            .. _posts.Values
                .Where(post => (guildId is null || post.GuildId == guildId) && (statuses is null || statuses.Contains(post.Status)))
                .OrderByDescending(post => post.CreatedAt),
        ]);

    public Task<bool> CancelAsync(ulong guildId, string postId, CancellationToken cancellationToken)
    {
        var key = (guildId, postId);
        if (_posts.TryGetValue(key, out var post) && post.Status is PostStatus.Pending or PostStatus.Failed)
        {
            _posts[key] = post with { Status = PostStatus.Cancelled, NextRunAt = null };
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public async Task<string?> GetTimeZoneAsync(ulong guildId, CancellationToken cancellationToken)
    {
        if (HoldTimeZoneReads is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        return _zones.GetValueOrDefault(guildId);
    }

    public Task SetTimeZoneAsync(ulong guildId, string timeZone, CancellationToken cancellationToken)
    {
        _zones[guildId] = timeZone;
        return Task.CompletedTask;
    }

    public void Add(ScheduledPost post) => _posts[(post.GuildId, post.Id)] = post;

    public Task<ClaimRun> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<SendStart> BeginSendAsync(PostClaim claim, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task ReleaseAsync(PostClaim claim, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task CompleteAsync(PostClaim claim, DateTimeOffset occurrence, ulong messageId, DateTimeOffset? nextRunAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task FailAsync(PostClaim claim, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<bool> RequeueAsync(ulong guildId, string postId, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
