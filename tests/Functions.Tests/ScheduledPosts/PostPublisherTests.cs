using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Hosting;
using Serverless.Storage.ScheduledPosts;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.ScheduledPosts;

/// <summary>The publisher against the real post tables (Azurite) and a scripted channel standing in for Discord.</summary>
public sealed class PostPublisherTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzuriteFixture _azurite;
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static long s_guild = 810000000000000000;

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ScriptedChannel _discord;
    private readonly MetricRecorder _metrics = new();

    public PostPublisherTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _discord = new ScriptedChannel(_clock);
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task PublishedPost_CountsPublished_RecordsItsLatenessFromTheClock_AndIsLateOnlyPastTheThreshold()
    {
        // Due a minute before the clock's now (CreateDueAsync), published 90 s after due.
        var (store, post) = await CreateDueAsync();
        var claim = await ClaimAsync(store, post);
        _clock.Advance(TimeSpan.FromSeconds(30));

        await PublishAsync(store, claim, lateAfter: TimeSpan.FromSeconds(120));

        Assert.Single(_discord.Posted);
        Assert.Equal(1, Assert.Single(_metrics.Of("bot.scheduled_posts.published")).Value);
        var lateness = Assert.Single(_metrics.Of("bot.scheduled_posts.lateness"));
        Assert.Equal(90, lateness.Value, precision: 3);
        Assert.Equal("s", lateness.Unit);
        Assert.Empty(lateness.Tags);
        Assert.Empty(_metrics.Of("bot.scheduled_posts.late"));
        Assert.Empty(_metrics.Of("bot.scheduled_posts.failed"));

        var (store2, post2) = await CreateDueAsync();
        await PublishAsync(store2, await ClaimAsync(store2, post2), lateAfter: TimeSpan.FromSeconds(60));

        Assert.Equal(1, Assert.Single(_metrics.Of("bot.scheduled_posts.late")).Value);
        Assert.Equal(2, _metrics.Of("bot.scheduled_posts.published").Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, 50013, "forbidden")]
    [InlineData(HttpStatusCode.NotFound, 10003, "not_found")]
    [InlineData(HttpStatusCode.BadRequest, 50035, "error")]
    public async Task PostDiscordRefusesForGood_CountsFailedWithItsReason_AndNotPublished(HttpStatusCode status, int code, string reason)
    {
        var (store, post) = await CreateDueAsync();
        var claim = await ClaimAsync(store, post);
        _discord.Refusal = (status, code);

        await PublishAsync(store, claim);

        Assert.Equal(PostStatus.Failed, (await store.GetAsync(post.GuildId, post.Id, CancellationToken.None))!.Status);
        var failed = Assert.Single(_metrics.Of("bot.scheduled_posts.failed"));
        Assert.Equal(reason, failed.Tag("reason"));
        Assert.Single(failed.Tags);
        Assert.Empty(_metrics.Of("bot.scheduled_posts.published"));
        Assert.Empty(_metrics.Of("bot.scheduled_posts.lateness"));
    }

    [Fact]
    public async Task UnreadablePostsMessage_CountsFailedAsPoison()
    {
        var publisher = CreatePublisher(new TableScheduledPostStore(_azurite.Account), maxAttempts: 5, lateAfter: TimeSpan.FromMinutes(1));

        var outcome = await publisher.RunAsync("{not a posts message", CancellationToken.None);

        Assert.Equal(QueueWorkResult.Retry, outcome.Result);
        Assert.Equal("poison", Assert.Single(_metrics.Of("bot.scheduled_posts.failed")).Tag("reason"));
    }

    [Fact]
    public void LateAfter_DefaultsToAMinute_AndMustBePositive()
    {
        var validator = new ScheduledPostOptionsValidator();

        Assert.Equal(TimeSpan.FromSeconds(60), new ScheduledPostOptions().LateAfter);
        Assert.True(validator.Validate(null, new ScheduledPostOptions()).Succeeded);
        var failure = validator.Validate(null, new ScheduledPostOptions { LateAfter = TimeSpan.Zero });
        Assert.True(failure.Failed);
        Assert.Contains("ScheduledPosts__LateAfter", failure.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostCancelledAfterItWasClaimed_StaysCancelled_AndIsNotSent()
    {
        var (store, post) = await CreateDueAsync();
        var claim = await ClaimAsync(store, post);
        Assert.True(await store.CancelAsync(post.GuildId, post.Id, CancellationToken.None));

        var outcome = await PublishAsync(store, claim);

        Assert.Equal(QueueWorkResult.Skipped, outcome.Result);
        Assert.Equal(PostStatus.Cancelled, (await store.GetAsync(post.GuildId, post.Id, CancellationToken.None))!.Status);
        Assert.Empty(_discord.Posted);
    }

    [Fact]
    public async Task RecurringPostCancelledBetweenTheReadAndTheSend_IsNotSent_AndDoesNotComeBack()
    {
        var (inner, post) = await CreateDueAsync(new PostRecurrence(RecurrenceKind.Daily));
        var claim = await ClaimAsync(inner, post);
        var store = new InterceptingStore(inner) { AfterGet = () => inner.CancelAsync(post.GuildId, post.Id, CancellationToken.None) };

        await PublishAsync(store, claim);

        Assert.Empty(_discord.Posted);
        var stored = (await inner.GetAsync(post.GuildId, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Cancelled, stored.Status);
        Assert.Empty(await ClaimAllAsync(inner, Now.AddDays(2), post.GuildId));
    }

    [Fact]
    public async Task RecurringPostCancelledWhileDiscordAnswers_StaysCancelled_AndItsNextOccurrenceIsNotScheduled()
    {
        var (store, post) = await CreateDueAsync(new PostRecurrence(RecurrenceKind.Daily));
        var claim = await ClaimAsync(store, post);
        _discord.WhilePosting = () => store.CancelAsync(post.GuildId, post.Id, CancellationToken.None);

        await PublishAsync(store, claim);

        var message = Assert.Single(_discord.Posted);
        var stored = (await store.GetAsync(post.GuildId, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Cancelled, stored.Status);
        Assert.Equal(message.Id, stored.LastMessageId);
        Assert.Empty(await ClaimAllAsync(store, Now.AddDays(2), post.GuildId));
    }

    [Fact]
    public async Task StorageTimeoutAfterDiscordAccepted_OnTheLastAttempt_IsNeitherFailedNorSentAgain()
    {
        var (inner, post) = await CreateDueAsync();
        var claim = await ClaimAsync(inner, post);
        var store = new InterceptingStore(inner) { FailCompletions = 1 };

        var first = await PublishAsync(store, claim, maxAttempts: 1);

        Assert.Equal(QueueWorkResult.Completed, first.Result);
        var message = Assert.Single(_discord.Posted);
        var afterTimeout = (await inner.GetAsync(post.GuildId, post.Id, CancellationToken.None))!;
        Assert.NotEqual(PostStatus.Failed, afterTimeout.Status);
        Assert.Null(afterTimeout.LastError);

        // The claim's lease runs out, the timer claims the occurrence again, and long after Discord forgot the nonce.
        _clock.Advance(Lease + TimeSpan.FromMinutes(30));
        var again = await ClaimAsync(inner, post);
        await PublishAsync(store, again, maxAttempts: 1);

        Assert.Single(_discord.Posted);
        var stored = (await inner.GetAsync(post.GuildId, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Published, stored.Status);
        Assert.Equal(message.Id, stored.LastMessageId);
    }

    private async Task<QueueWorkOutcome> PublishAsync(IScheduledPostStore store, PostClaim claim, int maxAttempts = 5, TimeSpan? lateAfter = null) =>
        await CreatePublisher(store, maxAttempts, lateAfter ?? TimeSpan.FromMinutes(1))
            .RunAsync(PostMessageCodec.Encode(claim, "test", _clock.GetUtcNow()), CancellationToken.None);

    private PostPublisher CreatePublisher(IScheduledPostStore store, int maxAttempts, TimeSpan lateAfter)
    {
        var rest = new DiscordRestClient(new HttpClient(_discord) { BaseAddress = new Uri("https://discord.test/api/v10/") }, new DiscordCredentials("test-token"));
        var options = Options.Create(new ScheduledPostOptions { Lease = Lease, MaxAttempts = maxAttempts, LateAfter = lateAfter });
        return new PostPublisher(
            store,
            rest,
            new SentPostFinder(rest, options),
            options,
            new ScheduledPostMetrics(_metrics.Factory, options),
            _clock,
            NullLogger<PostPublisher>.Instance);
    }

    private async Task<(TableScheduledPostStore Store, ScheduledPost Post)> CreateDueAsync(PostRecurrence? recurrence = null)
    {
        var store = new TableScheduledPostStore(_azurite.Account);
        var guild = (ulong)Interlocked.Add(ref s_guild, 10);
        var due = Now.AddMinutes(-1);
        var post = new ScheduledPost
        {
            Id = "post" + (guild % 1000).ToString(CultureInfo.InvariantCulture),
            GuildId = guild,
            ChannelId = guild + 1,
            Content = "Weekly meeting in ten minutes",
            Recurrence = recurrence ?? PostRecurrence.None,
            Anchor = due,
            NextRunAt = due,
            CreatedBy = 7,
            CreatedAt = Now.AddDays(-1),
        };
        await store.CreateAsync(post, CancellationToken.None);
        return (store, post);
    }

    private async Task<PostClaim> ClaimAsync(IScheduledPostStore store, ScheduledPost post) =>
        Assert.Single(await ClaimAllAsync(store, _clock.GetUtcNow(), post.GuildId));

    private static async Task<List<PostClaim>> ClaimAllAsync(IScheduledPostStore store, DateTimeOffset now, ulong guild)
    {
        var claims = new ConcurrentBag<PostClaim>();
        await store.ClaimDueAsync(now, Lease, (claim, _) => { claims.Add(claim); return Task.CompletedTask; }, CancellationToken.None);
        return [.. claims.Where(claim => claim.GuildId == guild)];
    }

    /// <summary>A store that can act between the publisher's steps or fail its completions, like a storage timeout.</summary>
    private sealed class InterceptingStore(IScheduledPostStore inner) : IScheduledPostStore
    {
        public Func<Task>? AfterGet { get; set; }

        public int FailCompletions { get; set; }

        public Task<bool> CreateAsync(ScheduledPost post, CancellationToken cancellationToken) => inner.CreateAsync(post, cancellationToken);

        public async Task<ScheduledPost?> GetAsync(ulong guildId, string postId, CancellationToken cancellationToken)
        {
            var post = await inner.GetAsync(guildId, postId, cancellationToken);
            if (AfterGet is { } after)
            {
                AfterGet = null;
                await after();
            }

            return post;
        }

        public Task<IReadOnlyList<ScheduledPost>> ListAsync(ulong? guildId, IReadOnlyCollection<PostStatus>? statuses, CancellationToken cancellationToken) =>
            inner.ListAsync(guildId, statuses, cancellationToken);

        public Task<IReadOnlyList<ScheduledPost>> ListPageAsync(ulong guildId, string? afterId, int count, CancellationToken cancellationToken) =>
            inner.ListPageAsync(guildId, afterId, count, cancellationToken);

        public Task<int> CountActiveAsync(ulong guildId, int upTo, CancellationToken cancellationToken) => inner.CountActiveAsync(guildId, upTo, cancellationToken);

        public Task<bool> CancelAsync(ulong guildId, string postId, CancellationToken cancellationToken) => inner.CancelAsync(guildId, postId, cancellationToken);

        public Task<ClaimRun> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken) =>
            inner.ClaimDueAsync(now, lease, onClaimed, cancellationToken);

        public Task<SendStart> BeginSendAsync(PostClaim claim, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.BeginSendAsync(claim, occurrence, now, cancellationToken);

        public Task ReleaseAsync(PostClaim claim, CancellationToken cancellationToken) => inner.ReleaseAsync(claim, cancellationToken);

        public Task CompleteAsync(PostClaim claim, DateTimeOffset occurrence, ulong messageId, DateTimeOffset? nextRunAt, CancellationToken cancellationToken)
        {
            if (FailCompletions > 0)
            {
                FailCompletions--;

                // What the storage SDK throws when its network timeout runs out.
                throw new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout.");
            }

            return inner.CompleteAsync(claim, occurrence, messageId, nextRunAt, cancellationToken);
        }

        public Task FailAsync(PostClaim claim, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
            inner.FailAsync(claim, failure, retryAt, cancellationToken);

        public Task<bool> RequeueAsync(ulong guildId, string postId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.RequeueAsync(guildId, postId, now, cancellationToken);

        public Task<string?> GetTimeZoneAsync(ulong guildId, CancellationToken cancellationToken) => inner.GetTimeZoneAsync(guildId, cancellationToken);

        public Task SetTimeZoneAsync(ulong guildId, string timeZone, CancellationToken cancellationToken) => inner.SetTimeZoneAsync(guildId, timeZone, cancellationToken);
    }

    /// <summary>
    /// One Discord channel: posts (without nonce deduplication: Discord's lasts minutes, the retries here come later),
    /// the channel's messages newest first with <c>after</c>, and the bot's user. Fetched messages carry no nonce.
    /// </summary>
    private sealed class ScriptedChannel(TimeProvider clock) : HttpMessageHandler
    {
        public const ulong BotId = 555000000000000001;
        private long _sequence;

        public ConcurrentQueue<(ulong Id, string Content)> Posted { get; } = new();

        public Func<Task>? WhilePosting { get; set; }

        /// <summary>When set, every post is refused with this status and Discord error code.</summary>
        public (HttpStatusCode Status, int Code)? Refusal { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path.EndsWith("/users/@me", StringComparison.Ordinal))
            {
                return Json($$"""{"id":"{{BotId}}","username":"bot","bot":true}""");
            }

            if (request.Method == HttpMethod.Post && path.EndsWith("/messages", StringComparison.Ordinal) && Refusal is { } refusal)
            {
                return new HttpResponseMessage(refusal.Status)
                {
                    Content = new StringContent($$"""{"message":"refused","code":{{refusal.Code}}}""", Encoding.UTF8, "application/json"),
                };
            }

            if (request.Method == HttpMethod.Post && path.EndsWith("/messages", StringComparison.Ordinal))
            {
                using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
                if (WhilePosting is { } hook)
                {
                    WhilePosting = null;
                    await hook();
                }

                // A snowflake of the (fake) clock, as Discord's ids are.
                var id = ((ulong)(clock.GetUtcNow().ToUnixTimeMilliseconds() - Serverless.Domain.Snowflake.DiscordEpochMilliseconds) << 22) + (ulong)Interlocked.Increment(ref _sequence);
                var content = body.RootElement.GetProperty("content").GetString()!;
                Posted.Enqueue((id, content));
                return Json(Message(id, content));
            }

            if (request.Method == HttpMethod.Get && path.EndsWith("/messages", StringComparison.Ordinal))
            {
                var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
                var after = ulong.TryParse(query["after"], out var a) ? a : 0;
                var limit = int.TryParse(query["limit"], out var l) ? l : 50;
                var page = Posted.Where(m => m.Id > after).OrderBy(m => m.Id).Take(limit).OrderByDescending(m => m.Id);
                return Json("[" + string.Join(",", page.Select(m => Message(m.Id, m.Content))) + "]");
            }

            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"message":"Unknown","code":0}""", Encoding.UTF8, "application/json") };
        }

        private static string Message(ulong id, string content) =>
            $$$"""{"id":"{{{id}}}","channel_id":"1","content":{{{JsonSerializer.Serialize(content)}}},"author":{"id":"{{{BotId}}}","username":"bot","bot":true}}""";

        private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
