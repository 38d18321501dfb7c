using System.Globalization;
using System.Text.Json;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.State;
using Serverless.Storage.Hall;
using Serverless.Storage.Raids;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A raid finishes and the monthly hall archives it, through the endpoint (signed interactions from the Sandbox), the
/// worker's queues in Azurite, the DevHost's timers and the Sandbox's Discord. The worker's clock is moved past the
/// month end with <c>Development__ClockOffsetFile</c>, after the last interaction (a moved clock would refuse the
/// Sandbox's signatures as stale).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RaidsAndHallTests(RaidsBotEnvironment bot) : IClassFixture<RaidsBotEnvironment>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const ulong HallChannel = 760000000000000001;
    private const ulong RaidChannel = 760000000000000002;
    private const ulong Alice = 761000000000000001;
    private const ulong Bob = 761000000000000002;

    /// <summary>The Sandbox's default member with Manage Server (1 &lt;&lt; 5) and Manage Messages (1 &lt;&lt; 13).</summary>
    private static readonly string Moderator = (ulong.Parse(SandboxDefaults.MemberPermissions, CultureInfo.InvariantCulture) | 32 | 8192)
        .ToString(CultureInfo.InvariantCulture);

    private ulong Guild => bot.Discord.Interactions.DefaultGuildId;

    private TableRaidStore Raids => new(bot.Account);

    private TableHallStore Halls => new(bot.Account);

    [Fact]
    public async Task ARaidFinishes_AndTheMonthlyHallArchivesItOnce()
    {
        // The hall, set up in the guild's month (UTC: no zone set).
        var month = GuildMonth.Of(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
        await AnswerAsync(Command("hall", Moderator, SandboxDefaults.UserId, CommandOption.SubCommand("setup", CommandOption.Channel("channel", HallChannel))), "The hall now lives in");
        await WaitForMessageAsync(HallChannel, message => message.Content.Contains($"Hall — {month.DisplayName}", StringComparison.Ordinal));

        // A raid of 100 damage; every attack deals 40 here, so the third wins it.
        await AnswerAsync(
            Command("raid", Moderator, SandboxDefaults.UserId, CommandOption.SubCommand(
                "start",
                CommandOption.String("name", "Dragon"),
                CommandOption.Integer("goal", 100),
                CommandOption.Integer("duration", 60),
                CommandOption.Channel("channel", RaidChannel))),
            "has begun");
        var progress = await WaitForMessageAsync(RaidChannel, message => message.Content.Contains("0 / 100 (0%)", StringComparison.Ordinal));
        var raid = (await Raids.GetActiveAsync(Guild, CancellationToken.None))!;

        await AnswerAsync(Command("raid", SandboxDefaults.MemberPermissions, Alice, CommandOption.SubCommand("attack")), "hit Dragon for 40 damage (40 / 100)");
        var tooSoon = await AnswerAsync(Command("raid", SandboxDefaults.MemberPermissions, Alice, CommandOption.SubCommand("attack")), "catching your breath");
        await AnswerAsync(Command("raid", SandboxDefaults.MemberPermissions, Bob, CommandOption.SubCommand("attack")), "(80 / 100)");
        await Task.Delay(RaidsBotEnvironment.Cooldown);
        await AnswerAsync(Command("raid", SandboxDefaults.MemberPermissions, Alice, CommandOption.SubCommand("attack")), "The raid is won!");

        var won = (await Raids.GetAsync(Guild, raid.Id, CancellationToken.None))!;
        Assert.Equal((RaidStatus.Won, 120L, (GuildMonth?)month), (won.Status, won.Total, won.EndedMonth));
        Assert.Contains("allowed_mentions", tooSoon, StringComparison.Ordinal);
        var shown = await WaitForMessageAsync(RaidChannel, message => message.Id == progress.Id && message.Content.Contains("Won", StringComparison.Ordinal));
        Assert.Contains("120 / 100 (100%)", shown.Content, StringComparison.Ordinal);
        Assert.Contains($"1. <@{Alice}> — 80 (2 attacks)", shown.Content, StringComparison.Ordinal);
        Assert.Single(bot.Discord.State.ChannelMessages(RaidChannel));
        await WaitForMessageAsync(HallChannel, message => message.Content.Contains($"🥇 <@{Alice}> — 80 damage", StringComparison.Ordinal));

        // A second raid that its clock ends: five minutes, and the worker's clock then moves past the month's end.
        await AnswerAsync(
            Command("raid", Moderator, SandboxDefaults.UserId, CommandOption.SubCommand(
                "start",
                CommandOption.String("name", "Hydra"),
                CommandOption.Integer("goal", 1000),
                CommandOption.Integer("duration", 5),
                CommandOption.Channel("channel", RaidChannel))),
            "has begun");
        var hydra = (await Raids.GetActiveAsync(Guild, CancellationToken.None))!;
        await AnswerAsync(Command("raid", SandboxDefaults.MemberPermissions, Bob, CommandOption.SubCommand("attack")), "hit Hydra for 40 damage");

        var past = month.Next.StartUtc(TimeZoneInfo.Utc) + TimeSpan.FromHours(1);
        await bot.MoveClockToAsync(past);

        var closer = await bot.Host.RunTimerNowAsync("raids-closer");
        Assert.True(closer.Succeeded, closer.Error);
        var closed = (await Raids.GetAsync(Guild, hydra.Id, CancellationToken.None))!;
        Assert.Equal((RaidStatus.TimeRanOut, hydra.EndsAt, (GuildMonth?)month), (closed.Status, closed.EndedAt, closed.EndedMonth));
        await WaitForMessageAsync(RaidChannel, message => message.Content.Contains("Hydra", StringComparison.Ordinal) && message.Content.Contains("Time ran out", StringComparison.Ordinal));

        // The month is over in the guild's zone: one hall of fame, whatever the number of runs.
        var before = bot.Discord.State.ChannelMessages(HallChannel).Count;
        var first = await bot.Host.RunTimerNowAsync("hall-archiver");
        var second = await bot.Host.RunTimerNowAsync("hall-archiver");
        Assert.True(first.Succeeded && second.Succeeded, first.Error ?? second.Error);

        var messages = bot.Discord.State.ChannelMessages(HallChannel);
        Assert.Equal(before + 1, messages.Count);
        var archive = Assert.Single(messages, message => message.Content.StartsWith($"**🏆 Hall of fame — {month.DisplayName}**", StringComparison.Ordinal));
        Assert.Contains($"🥇 <@{Alice}> — 80 damage", archive.Content, StringComparison.Ordinal);
        Assert.Contains("won: Dragon — 120 / 100", archive.Content, StringComparison.Ordinal);
        Assert.Contains("time ran out: Hydra — 40 / 1,000", archive.Content, StringComparison.Ordinal);
        var stored = (await Halls.GetArchiveAsync(Guild, month, CancellationToken.None))!;
        Assert.Equal((HallArchiveStatus.Posted, (ulong?)archive.Id), (stored.Status, stored.MessageId));

        // The live standings moved on to the new month.
        Assert.Equal(month.Next, (await Halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
        await WaitForMessageAsync(HallChannel, message => message.Content.Contains($"Hall — {month.Next.DisplayName}", StringComparison.Ordinal)
            && message.Content.Contains("Nothing yet this month", StringComparison.Ordinal));
        Assert.Equal(before + 1, bot.Discord.State.ChannelMessages(HallChannel).Count);
    }

    private static CommandInteraction Command(string name, string permissions, ulong user, CommandOption option)
    {
        var command = new CommandInteraction { Name = name, MemberPermissions = permissions, UserId = user, ChannelId = RaidChannel };
        command.Options.Add(option);
        return command;
    }

    /// <summary>Sends the command, and waits for the worker's answer (to its token) to contain <paramref name="expected"/>; returns the answer's body.</summary>
    private async Task<string> AnswerAsync(CommandInteraction command, string expected)
    {
        var sent = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(sent.ResponseType == 5, sent.ResponseBody);
        string? body = null;
        await WaitUntilAsync(
            () => (body = bot.Discord.Calls.FirstOrDefault(call => call.Method is "PATCH" or "POST" && call.Path.Contains(sent.Token, StringComparison.Ordinal)
                && Content(call.Body).Contains(expected, StringComparison.Ordinal))?.Body) is not null,
            $"/{command.Name}'s answer containing \"{expected}\"");
        return body!;
    }

    private static string Content(string? body)
    {
        if (string.IsNullOrEmpty(body) || body[0] != '{')
        {
            return "";
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("content", out var content) ? content.GetString() ?? "" : "";
    }

    private async Task<SandboxMessage> WaitForMessageAsync(ulong channel, Func<SandboxMessage, bool> predicate)
    {
        SandboxMessage? found = null;
        await WaitUntilAsync(
            () => (found = bot.Discord.State.ChannelMessages(channel).FirstOrDefault(predicate)) is not null,
            $"a matching message in channel {channel}");
        return found!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>
/// The bot with a worker clock the test can move (Development only), raids paced for a test (every attack 40, a 2 s
/// cooldown) and projections refreshed within a second.
/// </summary>
public sealed class RaidsBotEnvironment : BotEnvironment
{
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(2);

    private readonly string _clockFile = Path.Combine(Path.GetTempPath(), $"bot-clock-{Guid.NewGuid():N}.txt");

    /// <summary>Moves the worker's "now" to about <paramref name="instant"/> and waits until it has re-read the offset.</summary>
    public async Task MoveClockToAsync(DateTimeOffset instant)
    {
        await File.WriteAllTextAsync(_clockFile, (instant - DateTimeOffset.UtcNow).ToString("c", CultureInfo.InvariantCulture));
        // The worker re-reads the file at most every 200 ms.
        await Task.Delay(TimeSpan.FromMilliseconds(600));
    }

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_clockFile, "00:00:00");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_clockFile);
    }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>
    {
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        ["Development__ClockOffsetFile"] = _clockFile,
        ["Raids__MinDamage"] = "40",
        ["Raids__MaxDamage"] = "40",
        ["Raids__AttackCooldown"] = "00:00:02",
        ["Projections__CoalesceWindow"] = "00:00:00.500",
        ["Projections__PendingGrace"] = "00:00:05",
    };
}
