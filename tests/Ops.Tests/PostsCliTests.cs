using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Ops.Tests;

public sealed class PostsCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 600000000000000000;

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    private TableScheduledPostStore Store => new(azurite.Account);

    [Fact]
    public async Task List_FiltersByGuildAndStatus_AndShowsTheLastError()
    {
        var guild = NextGuild();
        await CreateFailedAsync(guild, "broken1", "Missing permissions (50013): the bot may not send messages in that channel.");
        await CreateAsync(guild, "fine1");

        var run = await OpsRun.RunAsync(Environment, "posts", "list", "--guild", guild.ToString(System.Globalization.CultureInfo.InvariantCulture), "--status", "failed");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.StartsWith("guild", run.OutputLines[0], StringComparison.Ordinal);
        var line = Assert.Single(run.OutputLines.Skip(1));
        Assert.Contains("broken1", line, StringComparison.Ordinal);
        Assert.Contains("failed", line, StringComparison.Ordinal);
        Assert.Contains("Missing permissions (50013)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequeueByStatus_PutsFailedPostsBackToPending_DueAtOnce()
    {
        var guild = NextGuild();
        await CreateFailedAsync(guild, "broken2", "Discord answered 502 (gave up after 5 attempts)");
        await CreateFailedAsync(guild, "broken3", "Unknown channel (10003): the channel was deleted.");

        var run = await OpsRun.RunAsync(Environment, "posts", "requeue", "--yes", "--status", "failed", "--guild", guild.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("Requeued 2 posts.", run.OutputLines[^1]);
        foreach (var id in new[] { "broken2", "broken3" })
        {
            var post = await Store.GetAsync(guild, id, CancellationToken.None);
            Assert.Equal(PostStatus.Pending, post!.Status);
            Assert.Equal(0, post.Attempts);
        }

        var claimed = new List<PostClaim>();
        await Store.ClaimDueAsync(Now, TimeSpan.FromMinutes(2), (claim, _) => { lock (claimed) { claimed.Add(claim); } return Task.CompletedTask; }, CancellationToken.None);
        Assert.Equal(["broken2", "broken3"], claimed.Where(c => c.GuildId == guild).Select(c => c.PostId).Order());
    }

    [Fact]
    public async Task Requeue_ReportsProgressOnStderr_AndOnlyTheResultOnStdout()
    {
        var guild = NextGuild();
        await Task.WhenAll(Enumerable.Range(0, 51).Select(i =>
            CreateFailedAsync(guild, $"many{i:D2}", "Discord answered 502 (gave up after 5 attempts)")));

        var run = await OpsRun.RunAsync(Environment, "posts", "requeue", "--yes", "--status", "failed", "--guild", guild.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(["Requeued 51 posts."], run.OutputLines);
        Assert.Equal(["requeued 50/51"], run.ErrorLines);
    }

    [Fact]
    public async Task Requeue_WithoutIdOrStatus_OrAnUnknownId_IsAUsageError()
    {
        var neither = await OpsRun.RunAsync(Environment, "posts", "requeue");
        var unknown = await OpsRun.RunAsync(Environment, "posts", "requeue", "--id", "nosuchid");
        var published = await OpsRun.RunAsync(Environment, "posts", "requeue", "--yes", "--status", "published");

        Assert.Equal(ExitCodes.UsageOrConfiguration, neither.ExitCode);
        Assert.Equal("Give either --id ID or --status failed,processing.", Assert.Single(neither.ErrorLines));
        Assert.Equal(ExitCodes.UsageOrConfiguration, unknown.ExitCode);
        Assert.Equal("No scheduled post 'nosuchid'.", Assert.Single(unknown.ErrorLines));
        Assert.Equal(ExitCodes.UsageOrConfiguration, published.ExitCode);
    }

    [Fact]
    public async Task Requeue_OfAPostStuckAfterASend_SaysItIsLookedForInItsChannelFirst()
    {
        var guild = NextGuild();
        var due = Now.AddMinutes(-10);
        await Store.CreateAsync(new ScheduledPost { Id = "stuck1", GuildId = guild, ChannelId = 5, Content = "hello", Anchor = due, NextRunAt = due, CreatedBy = 1, CreatedAt = Now }, CancellationToken.None);

        // The publisher began sending, then died.
        Assert.True((await Store.BeginSendAsync(new PostClaim(guild, "stuck1", due, 1), due, Now, CancellationToken.None)).MaySend);
        var run = await OpsRun.RunAsync(Environment, "posts", "requeue", "--yes", "--status", "processing", "--guild", guild.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("Requeued 1 post.", run.OutputLines[^2]);
        Assert.Contains("looked for there before being sent again", run.OutputLines[^1], StringComparison.Ordinal);
        Assert.NotNull((await Store.GetAsync(guild, "stuck1", CancellationToken.None))!.UnconfirmedSend);
    }

    [Fact]
    public async Task List_AsJson_WritesIdsAsStrings()
    {
        var guild = NextGuild();
        await CreateAsync(guild, "json1");

        var run = await OpsRun.RunAsync(Environment, "posts", "list", "--guild", Text(guild), "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var post = Assert.Single(run.Json().GetProperty("posts").EnumerateArray().ToList());
        Assert.Equal("json1", post.GetProperty("id").GetString());
        Assert.Equal(Text(guild), post.GetProperty("guildId").GetString());
        Assert.Equal("5", post.GetProperty("channelId").GetString());
        Assert.Equal("pending", post.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Show_FindsThePostInAnyGuild_AndPrintsEveryField()
    {
        var guild = NextGuild();
        await CreateFailedAsync(guild, "show1", "Unknown channel (10003)");

        var text = await OpsRun.RunAsync(Environment, "posts", "show", "show1");
        var json = await OpsRun.RunAsync(Environment, "posts", "show", "show1", "--guild", Text(guild), "--output", "json");

        Assert.True(text.ExitCode == ExitCodes.Ok, text.ToString());
        Assert.Contains($"guild:                    {Text(guild)}", text.OutputLines);
        Assert.Contains("status:                   failed", text.OutputLines);
        Assert.Contains("last error:               Unknown channel (10003)", text.OutputLines);
        Assert.Contains("content:                  hello", text.OutputLines);
        Assert.True(json.ExitCode == ExitCodes.Ok, json.ToString());
        var post = json.Json();
        Assert.Equal("show1", post.GetProperty("id").GetString());
        Assert.Equal(Text(guild), post.GetProperty("guildId").GetString());
        Assert.Equal("hello", post.GetProperty("content").GetString());
        Assert.Equal("1", post.GetProperty("createdBy").GetString());
        Assert.Equal("failed", post.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Show_OfAnUnknownPost_IsAUsageError()
    {
        var run = await OpsRun.RunAsync(Environment, "posts", "show", "nosuchpost");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("No scheduled post 'nosuchpost'.", run.ErrorLines.Single());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Cancel_NeedsConfirmation_ThenCancels_ThenReportsItCancelledAlready()
    {
        var guild = NextGuild();
        await CreateAsync(guild, "cancel1");

        var refused = await OpsRun.RunAsync(Environment, "posts", "cancel", "cancel1", "--guild", Text(guild));
        var dryRun = await OpsRun.RunAsync(Environment, "posts", "cancel", "cancel1", "--guild", Text(guild), "--dry-run");
        var declined = await OpsRun.RunAtTerminalAsync("n\n", Environment, "posts", "cancel", "cancel1", "--guild", Text(guild));

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Contains("Add --yes", refused.Error, StringComparison.Ordinal);
        Assert.StartsWith("Dry run: would cancel post cancel1 (pending", dryRun.OutputLines.Single(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageOrConfiguration, declined.ExitCode);
        Assert.Equal(PostStatus.Pending, (await Store.GetAsync(guild, "cancel1", CancellationToken.None))!.Status);

        var confirmed = await OpsRun.RunAtTerminalAsync("y\n", Environment, "posts", "cancel", "cancel1", "--guild", Text(guild));
        var again = await OpsRun.RunAsync(Environment, "posts", "cancel", "cancel1", "--guild", Text(guild), "--yes", "--output", "json");

        Assert.True(confirmed.ExitCode == ExitCodes.Ok, confirmed.ToString());
        Assert.Equal($"Cancelled post cancel1 in guild {Text(guild)}.", confirmed.OutputLines.Single());
        Assert.Equal(PostStatus.Cancelled, (await Store.GetAsync(guild, "cancel1", CancellationToken.None))!.Status);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.False(again.Json().GetProperty("cancelled").GetBoolean());
        Assert.Equal("cancelled", again.Json().GetProperty("status").GetString());
    }

    [Fact]
    public async Task RequeueByStatus_WithoutYes_OrAsADryRun_ChangesNothing()
    {
        var guild = NextGuild();
        await CreateFailedAsync(guild, "dry1", "Discord answered 502 (gave up after 5 attempts)");

        var refused = await OpsRun.RunAsync(Environment, "posts", "requeue", "--status", "failed", "--guild", Text(guild));
        var dryRun = await OpsRun.RunAsync(Environment, "posts", "requeue", "--status", "failed", "--guild", Text(guild), "--dry-run", "--output", "json");

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Equal("Not confirmed: requeue 1 post. Add --yes to do it without a prompt, or --dry-run to see what it would do.", refused.ErrorLines.Single());
        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        Assert.True(dryRun.Json().GetProperty("dryRun").GetBoolean());
        Assert.Equal("dry1", Assert.Single(dryRun.Json().GetProperty("posts").EnumerateArray().ToList()).GetProperty("id").GetString());
        Assert.Equal(PostStatus.Failed, (await Store.GetAsync(guild, "dry1", CancellationToken.None))!.Status);
    }

    private static string Text(ulong id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ulong NextGuild() => (ulong)Interlocked.Add(ref s_guild, 10);

    private async Task CreateAsync(ulong guild, string id) =>
        await Store.CreateAsync(SamplePosts.Pending(guild, id, Now), CancellationToken.None);

    /// <summary>A post whose only occurrence was claimed and failed for good, as the publisher leaves it.</summary>
    private async Task CreateFailedAsync(ulong guild, string id, string error)
    {
        var due = Now.AddMinutes(-10);
        await Store.CreateAsync(new ScheduledPost
        {
            Id = id,
            GuildId = guild,
            ChannelId = 5,
            Content = "hello",
            Anchor = due,
            NextRunAt = due,
            CreatedBy = 1,
            CreatedAt = Now,
        }, CancellationToken.None);
        await Store.FailAsync(new PostClaim(guild, id, due, 5), error, retryAt: null, CancellationToken.None);
    }
}
