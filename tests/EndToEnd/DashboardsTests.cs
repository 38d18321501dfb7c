using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Projections;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Recording;
using Serverless.Sandbox.State;
using Serverless.Storage;
using Serverless.Storage.Duels;
using Serverless.Storage.Projections;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Projections through the DevHost, Azurite and the Sandbox, with the duel scoreboard as the projection: results are
/// recorded by the duel buttons' own code against the bot's Azurite, and the DevHost's <c>projection-refresher</c> keeps
/// the Sandbox's message current, re-creating it when it is gone and reposting it when Discord refuses edits (30046).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DashboardsTests(DashboardsBotEnvironment bot) : IClassFixture<DashboardsBotEnvironment>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long s_nextChannel = 730000000000000000;
    private static long s_nextGuild = 740000000000000000;
    private static long s_nextDuel;

    /// <summary>The Sandbox's default member with Manage Server (1 &lt;&lt; 5), which placing the scoreboard takes.</summary>
    private static readonly string ServerManager = (ulong.Parse(SandboxDefaults.MemberPermissions, CultureInfo.InvariantCulture) | 32)
        .ToString(CultureInfo.InvariantCulture);

    private StorageAccount Account => bot.Account;

    private TableDuelStore Duels => new(Account);

    private TableProjectionStore Projections => new(Account);

    private ProjectionChanges Changes => new(
        Projections,
        new AzureProjectionRefreshQueue(Account, TimeProvider.System),
        Options.Create(DashboardsBotEnvironment.ProjectionOptions),
        TimeProvider.System,
        NullLogger<ProjectionChanges>.Instance);

    [Fact]
    public async Task FiftyDuelResults_InAboutTwoSeconds_GiveAFewEdits_AndAScoreboardMatchingTheRatings()
    {
        var guild = bot.Discord.Interactions.DefaultGuildId;
        var channel = NextChannel();
        var command = new CommandInteraction { Name = "duel", MemberPermissions = ServerManager };
        command.Options.Add(CommandOption.SubCommand("scoreboard", CommandOption.Channel("channel", channel)));
        var answered = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(answered.ResponseType == 5, answered.ResponseBody);
        var board = await WaitForSingleMessageAsync(channel, _ => true);
        var before = bot.Discord.Calls.Count;
        var winsBefore = (await Duels.ListRatingsAsync(guild, CancellationToken.None)).Sum(rating => rating.Wins);

        // Five members' groups record results at once, as five buttons clicked together would.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(group => RecordResultsAsync(guild, group, count: 10)));
        clock.Stop();
        await WaitUntilCurrentAsync(DuelScoreboardRenderer.KeyFor(guild));

        var ratings = await Duels.ListRatingsAsync(guild, CancellationToken.None);
        Assert.Equal(winsBefore + 50, ratings.Sum(rating => rating.Wins));
        var shown = Assert.Single(bot.Discord.State.ChannelMessages(channel));
        Assert.Equal(board.Id, shown.Id);
        Assert.Equal(DuelScoreboard.Render(ratings).Text, shown.Content);
        var edits = bot.Discord.Calls.Skip(before).Count(call => call.Method == "PATCH" && call.Path.Contains($"/channels/{channel}/messages/{board.Id}", StringComparison.Ordinal));

        // One edit per coalescing window (1 s here) while results arrive, and one for what came in during the last.
        var windows = (int)Math.Ceiling(clock.Elapsed / DashboardsBotEnvironment.ProjectionOptions.CoalesceWindow);
        Assert.True(edits >= 1 && edits <= windows + 2, $"{edits} edits for 50 results recorded in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task ADuelClickedThroughTheSandbox_SettlesIt_UpdatesTheScoreboardAndRatings_AndAThirdMembersClickIsRefusedOnlyToThem()
    {
        const ulong Opponent = SandboxDefaults.ModeratorUserId;
        const ulong Bystander = SandboxDefaults.NewcomerUserId;
        var challenger = bot.Discord.Interactions.DefaultUserId;
        var guild = bot.Discord.Interactions.DefaultGuildId;
        using var control = new HttpClient { BaseAddress = new Uri(bot.Discord.BaseUrl + "/") };
        var channel = NextChannel();
        var place = new CommandInteraction { Name = "duel", MemberPermissions = ServerManager };
        place.Options.Add(CommandOption.SubCommand("scoreboard", CommandOption.Channel("channel", channel)));
        Assert.Equal(5, (await bot.Discord.Interactions.SendCommandAsync(place, bot.InteractionsUrl)).ResponseType);
        var board = await WaitForSingleMessageAsync(channel, _ => true);
        await WaitUntilCurrentAsync(DuelScoreboardRenderer.KeyFor(guild));
        var before = (await Duels.GetRatingAsync(guild, challenger, CancellationToken.None), await Duels.GetRatingAsync(guild, Opponent, CancellationToken.None));

        var challenge = new CommandInteraction { Name = "duel" };
        challenge.Options.Add(CommandOption.SubCommand("challenge", CommandOption.User("member", Opponent)));
        var sent = await bot.Discord.Interactions.SendCommandAsync(challenge, bot.InteractionsUrl);
        var message = (await InteractionStateAsync(control, sent.InteractionId.ToString(CultureInfo.InvariantCulture))).GetProperty("original");
        var messageId = message.GetProperty("id").GetString()!;
        var duelId = System.Text.RegularExpressions.Regex.Match(message.GetProperty("components").GetRawText(), "duel:accept:([0-9]+)").Groups[1].Value;

        var accepted = await ClickAsync(control, messageId, $"duel:accept:{duelId}", Opponent);
        Assert.Empty(accepted.GetProperty("followUps").EnumerateArray());
        Assert.Contains("accepted", bot.Discord.State.GetMessage(ulong.Parse(messageId, CultureInfo.InvariantCulture))!.Content, StringComparison.Ordinal);

        // Not a duelist: told so alone, and the duel's message stays as it was.
        var shownBefore = bot.Discord.State.GetMessage(ulong.Parse(messageId, CultureInfo.InvariantCulture))!.Content;
        var refused = await ClickAsync(control, messageId, $"duel:won:{duelId}", Bystander);
        var refusal = Assert.Single(refused.GetProperty("followUps").EnumerateArray());
        Assert.True(refusal.GetProperty("ephemeral").GetBoolean(), refusal.GetRawText());
        Assert.Contains("Only the two duelists report the result.", refusal.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(shownBefore, bot.Discord.State.GetMessage(ulong.Parse(messageId, CultureInfo.InvariantCulture))!.Content);

        await ClickAsync(control, messageId, $"duel:won:{duelId}", challenger);
        var settled = await ClickAsync(control, messageId, $"duel:lost:{duelId}", Opponent);
        Assert.Empty(settled.GetProperty("followUps").EnumerateArray());
        Assert.StartsWith("🏆", bot.Discord.State.GetMessage(ulong.Parse(messageId, CultureInfo.InvariantCulture))!.Content, StringComparison.Ordinal);

        var (winner, loser) = (await Duels.GetRatingAsync(guild, challenger, CancellationToken.None), await Duels.GetRatingAsync(guild, Opponent, CancellationToken.None));
        Assert.Equal((before.Item1.Wins + 1, before.Item2.Losses + 1), (winner.Wins, loser.Losses));
        Assert.True(winner.Rating > before.Item1.Rating && loser.Rating < before.Item2.Rating);
        await WaitUntilCurrentAsync(DuelScoreboardRenderer.KeyFor(guild));
        var shown = Assert.Single(bot.Discord.State.ChannelMessages(channel));
        Assert.Equal(board.Id, shown.Id);
        Assert.Equal(DuelScoreboard.Render(await Duels.ListRatingsAsync(guild, CancellationToken.None)).Text, shown.Content);
        Assert.Contains(DuelText.User(challenger), shown.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuelChallenge_ThroughTheEndpoint_AnswersWithAcceptAndDeclineButtons_AndPingsNobody()
    {
        const ulong Opponent = 750000000000000999;
        var command = new CommandInteraction { Name = "duel" };
        command.Options.Add(CommandOption.SubCommand("challenge", CommandOption.User("member", Opponent)));
        var before = bot.Discord.Calls.Count;

        var answered = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);

        Assert.True(answered.ResponseType == 5, answered.ResponseBody);
        RecordedCall? edit = null;
        await WaitUntilAsync(
            () => (edit = bot.Discord.Calls.Skip(before).FirstOrDefault(call => call.Method == "PATCH" && call.Path.EndsWith("/messages/@original", StringComparison.Ordinal))) is not null,
            "the challenge's answer");
        using var body = System.Text.Json.JsonDocument.Parse(edit!.Body);
        Assert.Contains($"challenges <@{Opponent}>", body.RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"custom_id\":\"duel:accept:", edit.Body, StringComparison.Ordinal);
        Assert.Contains("\"custom_id\":\"duel:decline:", edit.Body, StringComparison.Ordinal);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[]}", edit.Body, StringComparison.Ordinal);
        var duelId = System.Text.RegularExpressions.Regex.Match(edit.Body, "duel:accept:([0-9]+)").Groups[1].Value;
        var stored = await Duels.GetAsync(bot.Discord.Interactions.DefaultGuildId, duelId, CancellationToken.None);
        Assert.Equal((DuelStatus.Challenged, bot.Discord.Interactions.DefaultUserId, Opponent), (stored!.Status, stored.ChallengerId, stored.OpponentId));
    }

    [Fact]
    public async Task ADeletedScoreboard_IsPostedAgain_WithTheCurrentRatings()
    {
        var (key, channel, first) = await PlaceAsync();
        using (var http = new HttpClient())
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"{bot.Discord.ApiBaseUrl}/channels/{channel}/messages/{first.Id}"))
        {
            delete.Headers.TryAddWithoutValidation("Authorization", "Bot " + bot.Discord.BotToken);
            Assert.True((await http.SendAsync(delete)).IsSuccessStatusCode);
        }

        await RecordResultsAsync(key.GuildId, group: 0, count: 1);

        var again = await WaitForSingleMessageAsync(channel, message => message.Content.Contains("1W 0L", StringComparison.Ordinal));
        Assert.NotEqual(first.Id, again.Id);
        await WaitUntilCurrentAsync(key);
        Assert.Equal(DuelScoreboard.Render(await Duels.ListRatingsAsync(key.GuildId, CancellationToken.None)).Text, again.Content);
    }

    [Fact]
    public async Task EditsRefusedWith30046_LeadToAFreshMessage_AndTheOldOneDeleted()
    {
        var (key, channel, first) = await PlaceAsync();
        var refused = bot.Discord.Faults.Add(new FaultRule
        {
            Method = "PATCH",
            PathContains = $"/channels/{channel}/messages/{first.Id}",
            StatusCode = 400,
            ErrorCode = 30046,
            Message = "Maximum number of edits to messages older than 1 hour reached. Try again later.",
        });

        await RecordResultsAsync(key.GuildId, group: 0, count: 1);

        var fresh = await WaitForSingleMessageAsync(channel, message => message.Id != first.Id);
        await WaitUntilCurrentAsync(key);
        Assert.Null(bot.Discord.State.GetMessage(first.Id));
        Assert.Equal(DuelScoreboard.Render(await Duels.ListRatingsAsync(key.GuildId, CancellationToken.None)).Text, fresh.Content);

        // Backed off once (Projections__EditRefusedRetries=1), then reposted.
        Assert.Equal(2, refused.TimesFired);
        Assert.Equal(fresh.Id, (await Projections.GetAsync(key, CancellationToken.None))!.MessageId);
    }

    [Fact]
    public async Task OpsRebuild_RendersTheScoreboardAgain_AndListShowsItCurrent()
    {
        var (key, channel, first) = await PlaceAsync();
        var before = bot.Discord.Calls.Count;

        var (rebuildExit, rebuildOutput, rebuildError) = await RunOpsAsync("projections", "rebuild", key.ToString());
        Assert.True(rebuildExit == 0, rebuildError);
        Assert.Contains("Queued a rebuild of 1 projection(s)", rebuildOutput, StringComparison.Ordinal);

        // Same content, so only a rebuild (which forgets the published hash) edits it.
        await WaitUntilAsync(() => bot.Discord.Calls.Skip(before).Any(call => call.Method == "PATCH" && call.Path.Contains($"/messages/{first.Id}", StringComparison.Ordinal)), "the rebuild's edit");
        await WaitUntilCurrentAsync(key);
        Assert.Single(bot.Discord.State.ChannelMessages(channel));

        var (listExit, listOutput, listError) = await RunOpsAsync("projections", "list", "--guild", key.GuildId.ToString(CultureInfo.InvariantCulture));
        Assert.True(listExit == 0, listError);
        Assert.Contains(key.ToString(), listOutput, StringComparison.Ordinal);
        Assert.Contains("current", listOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChannelTheBotMayNotPostIn_BreaksTheProjection_WithANoteInTheLogChannel_UntilRebuilt()
    {
        var key = DuelScoreboardRenderer.KeyFor((ulong)Interlocked.Increment(ref s_nextGuild));
        var (channel, logChannel) = (NextChannel(), NextChannel());
        var refused = bot.Discord.Faults.Add(new FaultRule
        {
            Method = "POST",
            PathContains = $"/channels/{channel}/messages",
            StatusCode = 403,
            ErrorCode = 50013,
            Message = "Missing Permissions",
            Times = 1,
        });

        await Changes.PlaceAsync(key, channel, logChannel, "test-place", CancellationToken.None);

        var note = await WaitForSingleMessageAsync(logChannel, _ => true);
        Assert.Contains("can no longer be updated (the bot may not post there (50013))", note.Content, StringComparison.Ordinal);
        Assert.Contains($"bot-ops projections rebuild {key}", note.Content, StringComparison.Ordinal);
        Assert.Equal(1, refused.TimesFired);
        await WaitUntilAsync(async () => (await Projections.GetAsync(key, CancellationToken.None))?.BrokenReason is not null, "the projection marked broken");

        // Broken: changes no longer queue refreshes. The operator fixed the channel and rebuilds.
        await RecordResultsAsync(key.GuildId, group: 0, count: 1);
        Assert.Empty(bot.Discord.State.ChannelMessages(channel));
        var (exit, _, error) = await RunOpsAsync("projections", "rebuild", "--guild", key.GuildId.ToString(CultureInfo.InvariantCulture), "--yes");
        Assert.True(exit == 0, error);

        var board = await WaitForSingleMessageAsync(channel, message => message.Content.Contains("1W 0L", StringComparison.Ordinal));
        await WaitUntilCurrentAsync(key);
        Assert.Null((await Projections.GetAsync(key, CancellationToken.None))!.BrokenReason);
        Assert.Equal(DuelScoreboard.Render(await Duels.ListRatingsAsync(key.GuildId, CancellationToken.None)).Text, board.Content);
    }

    /// <summary>Clicks as the console does (<c>POST /_sandbox/clicks</c>, signed by the Sandbox) and returns the interaction once answered.</summary>
    private async Task<System.Text.Json.JsonElement> ClickAsync(HttpClient control, string messageId, string customId, ulong userId)
    {
        using var click = await control.PostAsync(
            "_sandbox/clicks",
            new StringContent(
                System.Text.Json.JsonSerializer.Serialize(new { messageId, customId, userId = userId.ToString(CultureInfo.InvariantCulture), botUrl = bot.InteractionsUrl.ToString() }),
                System.Text.Encoding.UTF8,
                "application/json"));
        var text = await click.Content.ReadAsStringAsync();
        Assert.True(click.IsSuccessStatusCode, text);
        using var sent = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal(200, sent.RootElement.GetProperty("statusCode").GetInt32());
        return await InteractionStateAsync(control, sent.RootElement.GetProperty("interactionId").GetString()!);
    }

    /// <summary>The interaction's state once final (answered, or edited after deferring), with its follow-ups.</summary>
    private static async Task<System.Text.Json.JsonElement> InteractionStateAsync(HttpClient control, string interactionId)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var text = await control.GetStringAsync($"_sandbox/interactions/{interactionId}?wait=30");
            using var state = System.Text.Json.JsonDocument.Parse(text);
            if (state.RootElement.GetProperty("final").GetBoolean())
            {
                return state.RootElement.Clone();
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "interaction not answered: " + text);
        }
    }

    private async Task<(ProjectionKey Key, ulong Channel, SandboxMessage First)> PlaceAsync()
    {
        var key = DuelScoreboardRenderer.KeyFor((ulong)Interlocked.Increment(ref s_nextGuild));
        var channel = NextChannel();
        await Changes.PlaceAsync(key, channel, logChannelId: null, "test-place", CancellationToken.None);
        var first = await WaitForSingleMessageAsync(channel, _ => true);
        await WaitUntilCurrentAsync(key);
        return (key, channel, first);
    }

    /// <summary>
    /// <paramref name="count"/> settled duels among the ten members of <paramref name="group"/>: each accepted duel is
    /// reported by both sides through <see cref="DuelButtons"/>, which settles it and marks the scoreboard dirty.
    /// </summary>
    private async Task RecordResultsAsync(ulong guildId, int group, int count)
    {
        var buttons = new DuelButtons(Duels, Changes, new GuildCalendar(new TableScheduledPostStore(Account), TimeProvider.System), TimeProvider.System, NullLogger<DuelButtons>.Instance);
        for (var i = 0; i < count; i++)
        {
            var challenger = 750000000000000000UL + (ulong)(group * 10) + (ulong)(i % 10);
            var opponent = 750000000000000000UL + (ulong)(group * 10) + (ulong)((i + 3) % 10);
            var id = Interlocked.Increment(ref s_nextDuel).ToString(CultureInfo.InvariantCulture);
            var challenged = DuelRules.Challenge(guildId, id, challenger, opponent, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));
            await Duels.CreateAsync(DuelRules.Accept(challenged, opponent, DateTimeOffset.UtcNow).Duel, CancellationToken.None);
            Assert.False((await buttons.ExecuteAsync(Click(guildId, challenger, $"duel:won:{id}"), CancellationToken.None)).Ephemeral);
            var settled = await buttons.ExecuteAsync(Click(guildId, opponent, $"duel:lost:{id}"), CancellationToken.None);
            Assert.False(settled.Ephemeral, settled.Content);
        }
    }

    private static CommandInvocation Click(ulong guildId, ulong userId, string customId) => new()
    {
        CommandName = DuelCommand.Name,
        CorrelationId = "e2e-" + customId,
        GuildId = guildId,
        UserId = userId,
        Options = new Dictionary<string, string> { [InteractionRoute.ComponentOption] = customId },
    };

    private async Task WaitUntilCurrentAsync(ProjectionKey key) =>
        await WaitUntilAsync(
            async () => await Projections.GetAsync(key, CancellationToken.None) is { IsCurrent: true, RefreshPendingUntil: null },
            $"projection {key} current");

    private async Task<SandboxMessage> WaitForSingleMessageAsync(ulong channel, Func<SandboxMessage, bool> predicate)
    {
        SandboxMessage? found = null;
        await WaitUntilAsync(
            () => (found = bot.Discord.State.ChannelMessages(channel) is [var only] && predicate(only) ? only : null) is not null,
            $"one matching message in channel {channel}");
        return found!;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private async Task<(int Exit, string Output, string Error)> RunOpsAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Ops.OpsCli.RunAsync(
            args,
            new Dictionary<string, string?> { [StorageAccount.SettingName] = bot.Azurite.ConnectionString },
            output,
            error,
            TimeProvider.System);
        return (exit, output.ToString(), error.ToString());
    }

    private static ulong NextChannel() => (ulong)Interlocked.Increment(ref s_nextChannel);
}

/// <summary>The bot with projections paced for tests: a 1 s coalescing window, and one 30046 back-off before a repost.</summary>
public sealed class DashboardsBotEnvironment : BotEnvironment
{
    public static ProjectionOptions ProjectionOptions { get; } = new()
    {
        CoalesceWindow = TimeSpan.FromSeconds(1),
        PendingGrace = TimeSpan.FromSeconds(5),
        EditRefusedBackoff = TimeSpan.FromMilliseconds(300),
        EditRefusedRetries = 1,
    };

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>
    {
        ["Projections__CoalesceWindow"] = "00:00:01",
        ["Projections__PendingGrace"] = "00:00:05",
        ["Projections__EditRefusedBackoff"] = "00:00:00.300",
        ["Projections__EditRefusedRetries"] = "1",
    };
}
