using Microsoft.Extensions.Configuration;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.State;
using Serverless.Storage;
using Serverless.Storage.Queues;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The scheduled-post pipeline through the DevHost: the <c>scheduled-posts-due</c> timer (run on demand, as the
/// host's admin endpoint would) claims in Azurite, <c>post-publisher</c> publishes to the Sandbox's Discord.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScheduledPostsTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    private const ulong GuildId = 700000000000000001;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long s_nextChannel = 710000000000000000;

    /// <summary>A moderator's permissions: the Sandbox's default member lacks Manage Messages, which the form submit re-checks.</summary>
    private static readonly string Moderator = (ulong.Parse(SandboxDefaults.MemberPermissions, System.Globalization.CultureInfo.InvariantCulture) | 8192)
        .ToString(System.Globalization.CultureInfo.InvariantCulture);

    private TableScheduledPostStore Store { get; } = new(StorageAccount.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection([new(StorageAccount.SettingName, bot.Azurite.ConnectionString)]).Build()));

    [Fact]
    public async Task ScheduleCreate_ThroughTheModal_ThenTheTimer_PublishesExactlyOneMessage()
    {
        var channel = (ulong)Interlocked.Increment(ref s_nextChannel);
        var due = DateTimeOffset.UtcNow.AddSeconds(4);
        var command = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator };
        command.Options.Add(CommandOption.SubCommand(
            "create",
            CommandOption.Channel("channel", channel),
            CommandOption.String("when", due.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))));

        var opened = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(opened.ResponseType == 9, opened.ResponseBody);
        var customId = opened.ResponseJson!.Value.GetProperty("data").GetProperty("custom_id").GetString()!;

        var submit = new ModalSubmitInteraction { CustomId = customId, Context = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator } };
        submit.Values["content"] = "Release notes are out!\nRead them in #news.";
        var submitted = await bot.Discord.Interactions.SendModalSubmitAsync(submit, bot.InteractionsUrl);
        Assert.Equal(4, submitted.ResponseType);
        var answer = submitted.ResponseJson!.Value.GetProperty("data").GetProperty("content").GetString()!;
        var postId = System.Text.RegularExpressions.Regex.Match(answer, "Scheduled post `([a-z0-9]+)`").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(postId), answer);

        // Not due yet: the timer leaves it alone.
        await RunTimerAsync();
        Assert.Empty(bot.Discord.State.ChannelMessages(channel));

        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        await RunTimerAsync();
        await WaitForMessagesAsync(channel, 1);
        await RunTimerAsync();
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);

        var message = Assert.Single(bot.Discord.State.ChannelMessages(channel));
        Assert.Equal("Release notes are out!\nRead them in #news.", message.Content);
        var stored = await Store.GetAsync(bot.Discord.Interactions.DefaultGuildId, postId, CancellationToken.None);
        Assert.Equal(PostStatus.Published, stored!.Status);
        Assert.Equal(bot.Discord.Interactions.DefaultUserId, stored.CreatedBy);
    }

    [Fact]
    public async Task ScheduleCreate_InAChannelTheBotMayNotPostIn_IsRefusedBeforeTheModal()
    {
        var channel = (ulong)Interlocked.Increment(ref s_nextChannel);
        var guild = bot.Discord.Interactions.DefaultGuildId;

        // @everyone (the role whose id is the guild's) may not send messages there.
        bot.Discord.State.SetChannel(channel, overwrites: [SandboxOverwrite.ForRole(guild, deny: 1UL << 11)]);
        var command = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator };
        command.Options.Add(CommandOption.SubCommand("create", CommandOption.Channel("channel", channel), CommandOption.String("when", "in 2h")));

        var answered = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);

        Assert.True(answered.ResponseType == 4, answered.ResponseBody);
        var data = answered.ResponseJson!.Value.GetProperty("data");
        Assert.Equal(64, data.GetProperty("flags").GetInt32());
        Assert.Contains("missing Send Messages", data.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Store.ListAsync(guild, null, CancellationToken.None), post => post.ChannelId == channel);
    }

    [Fact]
    public async Task ScheduleCreate_ByAModeratorOfAnotherChannel_IsRefusedForTheTargetChannel()
    {
        const ulong OtherGuild = 700000000000000099;
        var channel = (ulong)Interlocked.Increment(ref s_nextChannel);

        // The member is not the owner and has no role: in the target channel they hold @everyone's bits, no Manage Messages.
        bot.Discord.State.SetGuildOwner(OtherGuild, OtherGuild + 1);
        bot.Discord.State.SetChannel(channel, guildId: OtherGuild);

        // Discord computed Manage Messages for the channel the command was typed in (an overwrite there).
        var command = new CommandInteraction { Name = "schedule", GuildId = OtherGuild, MemberPermissions = Moderator };
        command.Options.Add(CommandOption.SubCommand("create", CommandOption.Channel("channel", channel), CommandOption.String("when", "in 2h")));

        var answered = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);

        Assert.True(answered.ResponseType == 4, answered.ResponseBody);
        Assert.Equal(
            ScheduleCommand.MissingChannelPermission(channel),
            answered.ResponseJson!.Value.GetProperty("data").GetProperty("content").GetString());
    }

    [Fact]
    public async Task DuePost_IsClaimedByTheTimer_AndPublishedOnce()
    {
        var post = await CreateDuePostAsync();

        await RunTimerAsync();
        await WaitForMessagesAsync(post.ChannelId, 1);
        await RunTimerAsync();
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);

        var message = Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(post.Content, message.Content);
        var stored = await WaitForStatusAsync(post, PostStatus.Published);
        Assert.Equal(message.Id, stored.LastMessageId);
        Assert.Null(stored.NextRunAt);
    }

    [Fact]
    public async Task ResponseLostAfterDiscordAccepted_AndRedelivery_DoNotPostTwice()
    {
        var post = await CreateDuePostAsync();
        bot.Discord.Faults.Add(new FaultRule { Method = "POST", PathContains = $"/channels/{post.ChannelId}/messages", StatusCode = 500, AfterHandling = true, Times = 1 });

        await RunTimerAsync();
        var stored = await WaitForStatusAsync(post, PostStatus.Published);

        // The worker died after Discord took the post: the queue hands the same claim over again.
        await bot.EnqueueRawAsync(QueueNames.Posts, PostMessageCodec.Encode(new PostClaim(GuildId, post.Id, post.NextRunAt!.Value, 1), "redelivered", DateTimeOffset.UtcNow));
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);

        var message = Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(message.Id, stored.LastMessageId);
        Assert.True(bot.Discord.Calls.Count(call => call.Path.Contains($"/channels/{post.ChannelId}/messages", StringComparison.Ordinal)) >= 2, "the lost answer was not retried");
    }

    [Fact]
    public async Task ThreeServerErrors_ThenPublishedOnTheNextClaim()
    {
        var post = await CreateDuePostAsync();
        var faults = bot.Discord.Faults.Add(new FaultRule { Method = "POST", PathContains = $"/channels/{post.ChannelId}/messages", StatusCode = 502, Times = 3 });

        await RunTimerAsync();
        var failedOnce = await WaitForAsync(post, stored => stored.Attempts == 1 && stored.LastError is not null);
        Assert.Equal(PostStatus.Pending, failedOnce.Status);
        Assert.Equal(3, faults.TimesFired);

        // The claim's lease is the back-off (0.5-1 s in these tests): the next run after it claims again.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await RunTimerAsync();
        var stored = await WaitForStatusAsync(post, PostStatus.Published);

        Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(0, stored.Attempts);
        Assert.Null(stored.LastError);
    }

    [Fact]
    public async Task Forbidden_FailsAtOnceWithTheReason_ThenPostsRequeueStatusFailedPublishes()
    {
        var post = await CreateDuePostAsync();
        bot.Discord.Faults.Add(new FaultRule { Method = "POST", PathContains = $"/channels/{post.ChannelId}/messages", StatusCode = 403, ErrorCode = 50013, Times = 1 });

        await RunTimerAsync();
        var failed = await WaitForStatusAsync(post, PostStatus.Failed);

        Assert.Contains("Missing permissions (50013)", failed.LastError, StringComparison.Ordinal);
        Assert.Empty(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(1, bot.Discord.Calls.Count(call => call.Path.Contains($"/channels/{post.ChannelId}/messages", StringComparison.Ordinal)));

        // An operator fixed the channel's permissions and requeues with the ops CLI.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Ops.OpsCli.RunAsync(
            ["posts", "requeue", "--yes", "--status", "failed", "--guild", GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { [StorageAccount.SettingName] = bot.Azurite.ConnectionString },
            output,
            error,
            TimeProvider.System);
        Assert.True(exit == 0, error.ToString());
        Assert.Contains("Requeued", output.ToString(), StringComparison.Ordinal);
        await RunTimerAsync();
        await WaitForStatusAsync(post, PostStatus.Published);
        Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
    }

    [Fact]
    public async Task RecurringPost_CancelledWhileItsPostIsOnTheWay_StaysCancelled_AndIsNotPostedAgain()
    {
        var guild = bot.Discord.Interactions.DefaultGuildId;
        var post = await CreateDuePostAsync(recurrence: new PostRecurrence(RecurrenceKind.Daily), guildId: guild);
        var path = $"/channels/{post.ChannelId}/messages";

        // Discord takes the post, but every answer of this try is lost on the way back, slowly enough to cancel meanwhile.
        var lost = bot.Discord.Faults.Add(new FaultRule { Method = "POST", PathContains = path, StatusCode = 503, AfterHandling = true, Delay = TimeSpan.FromSeconds(1), Times = 3 });
        await RunTimerAsync();
        await WaitForStatusAsync(post, PostStatus.Processing);
        var cancel = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator };
        cancel.Options.Add(CommandOption.SubCommand("cancel", CommandOption.String("id", post.Id)));
        var answered = await bot.Discord.Interactions.SendCommandAsync(cancel, bot.InteractionsUrl);
        Assert.True(answered.ResponseType == 4, answered.ResponseBody);
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);

        Assert.Equal(3, lost.TimesFired);
        Assert.Equal(PostStatus.Cancelled, (await Store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);

        // Nothing brings it back: not the timer, not an operator requeueing every post that can be requeued.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Ops.OpsCli.RunAsync(
            ["posts", "requeue", "--yes", "--status", "failed,pending,processing", "--guild", guild.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { [StorageAccount.SettingName] = bot.Azurite.ConnectionString },
            output,
            error,
            TimeProvider.System);
        Assert.True(exit == 0, error.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await RunTimerAsync();
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);

        Assert.Equal(PostStatus.Cancelled, (await Store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);
        Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(3, bot.Discord.Calls.Count(call => call.Method == "POST" && call.Path.Contains(path, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TwoTimerRunsAtOnce_ClaimEachPostOnce()
    {
        var posts = new List<ScheduledPost>();
        for (var i = 0; i < 12; i++)
        {
            posts.Add(await CreateDuePostAsync());
        }

        var runs = await Task.WhenAll(bot.Host.RunTimerNowAsync("scheduled-posts-due"), bot.Host.RunTimerNowAsync("scheduled-posts-due"));
        foreach (var post in posts)
        {
            await WaitForStatusAsync(post, PostStatus.Published);
        }

        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);
        Assert.All(runs, run => Assert.True(run.Succeeded, run.Error));
        Assert.All(posts, post => Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId)));
    }

    [Fact]
    public async Task DailyPost_MissedForThreeDays_IsPublishedOnce_ForTheLatestOccurrence()
    {
        var now = DateTimeOffset.UtcNow;
        var anchor = now.AddDays(-3).AddMinutes(-5);
        var post = await CreateDuePostAsync(anchor, new PostRecurrence(RecurrenceKind.Daily));

        await RunTimerAsync();
        var stored = await WaitForAsync(post, stored => stored.LastMessageId is not null);

        Assert.Single(bot.Discord.State.ChannelMessages(post.ChannelId));
        Assert.Equal(PostStatus.Pending, stored.Status);
        Assert.Equal(anchor.AddDays(3), stored.LastPublishedOccurrence);
        Assert.Equal(anchor.AddDays(4), stored.NextRunAt);
    }

    private async Task<ScheduledPost> CreateDuePostAsync(DateTimeOffset? due = null, PostRecurrence? recurrence = null, ulong guildId = GuildId)
    {
        var channel = (ulong)Interlocked.Increment(ref s_nextChannel);
        var at = due ?? DateTimeOffset.UtcNow.AddSeconds(-1);
        var post = new ScheduledPost
        {
            Id = "p" + channel.ToString(System.Globalization.CultureInfo.InvariantCulture)[^7..],
            GuildId = guildId,
            ChannelId = channel,
            Content = "Announcement for channel " + channel.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\nsecond line",
            Recurrence = recurrence ?? PostRecurrence.None,
            Anchor = at,
            NextRunAt = at,
            CreatedBy = 42,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await Store.CreateAsync(post, CancellationToken.None);
        return post;
    }

    private async Task RunTimerAsync()
    {
        var run = await bot.Host.RunTimerNowAsync("scheduled-posts-due");
        Assert.True(run.Succeeded, run.Error);
    }

    private async Task WaitForMessagesAsync(ulong channelId, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (bot.Discord.State.ChannelMessages(channelId).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"channel {channelId} has {bot.Discord.State.ChannelMessages(channelId).Count} messages, expected {count}");
            await Task.Delay(50);
        }
    }

    private Task<ScheduledPost> WaitForStatusAsync(ScheduledPost post, PostStatus status) =>
        WaitForAsync(post, stored => stored.Status == status);

    private async Task<ScheduledPost> WaitForAsync(ScheduledPost post, Func<ScheduledPost, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stored = await Store.GetAsync(post.GuildId, post.Id, CancellationToken.None);
            if (stored is not null && condition(stored))
            {
                return stored;
            }

            Assert.True(DateTime.UtcNow < deadline, $"post {post.Id} is {stored?.Status} (attempts {stored?.Attempts}, last error {stored?.LastError})");
            await Task.Delay(100);
        }
    }
}

/// <summary>Storage failing between Discord taking a scheduled post and the publisher recording it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScheduledPostsStorageFaultTests(FlakyTablesBotEnvironment bot) : IClassFixture<FlakyTablesBotEnvironment>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task StorageFailsAfterDiscordTookThePost_ThePostIsNeitherSentAgainNorFailed()
    {
        var store = new TableScheduledPostStore(bot.Account);
        const ulong channel = 720000000000000001;
        var due = DateTimeOffset.UtcNow.AddSeconds(-1);
        var post = new ScheduledPost
        {
            Id = "flakytables",
            GuildId = 700000000000000002,
            ChannelId = channel,
            Content = "Storage hiccup announcement",
            Anchor = due,
            NextRunAt = due,
            CreatedBy = 42,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.CreateAsync(post, CancellationToken.None);
        var path = $"/channels/{channel}/messages";

        // Slow enough to cut storage while Discord has the post in hand.
        bot.Discord.Faults.Add(new FaultRule { Method = "POST", PathContains = path, Delay = TimeSpan.FromSeconds(1.5), Times = 1 });
        Assert.True((await bot.Host.RunTimerNowAsync("scheduled-posts-due")).Succeeded);
        await WaitForAsync(store, post, stored => stored.Status == PostStatus.Processing);
        bot.Tables.Cut();
        try
        {
            var deadline = DateTime.UtcNow + Patience;
            while (bot.Discord.State.ChannelMessages(channel).Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "Discord never got the post");
                await Task.Delay(50);
            }

            await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);
        }
        finally
        {
            bot.Tables.Restore();
        }

        var afterOutage = (await store.GetAsync(post.GuildId, post.Id, CancellationToken.None))!;
        Assert.NotEqual(PostStatus.Failed, afterOutage.Status);
        Assert.Null(afterOutage.LastError);

        // The claim's lease (10 s here) runs out and the timer claims the occurrence again, after Discord forgot the nonce.
        var published = await WaitForAsync(store, post, stored => stored.Status == PostStatus.Published, runTimer: true);

        var message = Assert.Single(bot.Discord.State.ChannelMessages(channel));
        Assert.Equal(message.Id, published.LastMessageId);
        Assert.Equal(1, bot.Discord.Calls.Count(call => call.Method == "POST" && call.Path.Contains(path, StringComparison.Ordinal)));
    }

    private async Task<ScheduledPost> WaitForAsync(TableScheduledPostStore store, ScheduledPost post, Func<ScheduledPost, bool> condition, bool runTimer = false)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (runTimer)
            {
                Assert.True((await bot.Host.RunTimerNowAsync("scheduled-posts-due")).Succeeded);
            }

            var stored = await store.GetAsync(post.GuildId, post.Id, CancellationToken.None);
            if (stored is not null && condition(stored))
            {
                return stored;
            }

            Assert.True(DateTime.UtcNow < deadline, $"post {post.Id} is {stored?.Status} (attempts {stored?.Attempts}, last error {stored?.LastError})");
            await Task.Delay(runTimer ? 1000 : 100);
        }
    }
}
