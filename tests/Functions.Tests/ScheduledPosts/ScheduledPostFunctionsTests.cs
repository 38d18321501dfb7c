using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.Support;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Functions.Tests.ScheduledPosts;

/// <summary>
/// The <c>post-publisher</c> and <c>scheduled-posts-due</c> adapters: a run that asks for a retry fails the invocation
/// (so the host delivers the message again, then poisons it); a completed or skipped run ends it normally.
/// </summary>
public sealed class ScheduledPostFunctionsTests
{
    [Fact]
    public async Task PostPublisher_UnreadableMessage_FailsTheInvocationWithoutEchoingIt()
    {
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IScheduledPostStore>(new StubStore()));
        const string message = """{"v":7,"kind":"post","secret":"hunter2"}""";

        var failure = await Assert.ThrowsAsync<FunctionRunFailedException>(() =>
            host.RunAsync<PostPublisherFunction>(function => function.RunAsync(message, CancellationToken.None)));

        Assert.Equal(PostPublisher.FunctionName, failure.FunctionName);
        Assert.StartsWith("post-publisher failed: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5105);
    }

    [Fact]
    public async Task PostPublisher_PostGone_IsSkippedAndEndsNormally()
    {
        var store = new StubStore();
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IScheduledPostStore>(store));
        var claim = new PostClaim(900000000000000001, "p-gone", host.Time.GetUtcNow(), Attempt: 1);

        await host.RunAsync<PostPublisherFunction>(function => function.RunAsync(PostMessageCodec.Encode(claim, "corr-1", host.Time.GetUtcNow()), CancellationToken.None));

        Assert.Equal([claim], store.Released);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5104 && entry.Message.Contains("p-gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DuePosts_NothingDue_CompletesNormally()
    {
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IScheduledPostStore>(new StubStore()));

        await host.RunAsync<DuePostsFunction>(function => function.RunAsync(new TimerInfo { IsPastDue = true }, CancellationToken.None));

        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5005);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5002);
    }

    [Fact]
    public async Task DuePosts_StoreFailing_FailsTheRun()
    {
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IScheduledPostStore>(new StubStore { ClaimFails = true }));

        var failure = await Assert.ThrowsAsync<FunctionRunFailedException>(() =>
            host.RunAsync<DuePostsFunction>(function => function.RunAsync(new TimerInfo(), CancellationToken.None)));

        Assert.Equal(DuePostsTimer.FunctionName, failure.FunctionName);
        Assert.Contains("InvalidOperationException", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, entry => entry.Id.Id == 5005);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5003);
    }

    /// <summary>No posts at all: every claim finds nothing, every post is gone.</summary>
    private sealed class StubStore : IScheduledPostStore
    {
        public bool ClaimFails { get; init; }

        public ConcurrentQueue<PostClaim> Released { get; } = new();

        public Task<ClaimRun> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken) =>
            ClaimFails ? throw new InvalidOperationException("table service down") : Task.FromResult(new ClaimRun(0, 0, 0));

        public Task<ScheduledPost?> GetAsync(ulong guildId, string postId, CancellationToken cancellationToken) => Task.FromResult<ScheduledPost?>(null);

        public Task ReleaseAsync(PostClaim claim, CancellationToken cancellationToken)
        {
            Released.Enqueue(claim);
            return Task.CompletedTask;
        }

        public Task<bool> CreateAsync(ScheduledPost post, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ScheduledPost>> ListAsync(ulong? guildId, IReadOnlyCollection<PostStatus>? statuses, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ScheduledPost>> ListPageAsync(ulong guildId, string? afterId, int count, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountActiveAsync(ulong guildId, int upTo, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> CancelAsync(ulong guildId, string postId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SendStart> BeginSendAsync(PostClaim claim, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task CompleteAsync(PostClaim claim, DateTimeOffset occurrence, ulong messageId, DateTimeOffset? nextRunAt, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task FailAsync(PostClaim claim, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RequeueAsync(ulong guildId, string postId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> GetTimeZoneAsync(ulong guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetTimeZoneAsync(ulong guildId, string timeZone, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
