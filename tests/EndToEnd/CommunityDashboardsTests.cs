using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Oracle;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.State;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Pairs and the weekly oracle through the real endpoint, driven only through the Sandbox's control API (signed
/// commands, clicks on the messages the bot posted, form submits), with the DevHost's worker, timers and
/// <c>projection-refresher</c> over Azurite keeping the Sandbox's messages current.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CommunityDashboardsTests(CommunityBotEnvironment bot) : IClassFixture<CommunityBotEnvironment>
{
    private const string OraclePublisher = "oracle-publisher";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string Member = SandboxDefaults.UserId.ToString(CultureInfo.InvariantCulture);
    private static readonly string Partner = SandboxDefaults.NewcomerUserId.ToString(CultureInfo.InvariantCulture);
    private static readonly string ServerManager = (SandboxDefaults.EveryonePermissions | 32).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task APairInvitedAcceptedAndBothCheckedIn_ShowsTheDayCountedOnItsPanel()
    {
        using var control = Control();
        var channel = SandboxDefaults.ChannelId;
        var invite = await FinalStateAsync(control, await SendAsync(control, "_sandbox/interactions", new Dictionary<string, object>
        {
            ["name"] = "pair invite",
            ["userId"] = Member,
            ["options"] = new object[] { new Dictionary<string, object> { ["name"] = "member", ["type"] = 6, ["value"] = Partner } },
        }));
        var original = invite.GetProperty("original");
        Assert.Contains($"invites <@{Partner}>", original.GetProperty("content").GetString(), StringComparison.Ordinal);
        var accept = CustomIds(original.GetProperty("components")).Single(id => id.StartsWith("pair:accept:", StringComparison.Ordinal));

        // The inviter may not answer their own invite; the invited member accepts, which places the pair's panel here.
        await SendAsync(control, "_sandbox/clicks", new Dictionary<string, object> { ["messageId"] = original.GetProperty("id").GetString()!, ["customId"] = accept, ["userId"] = Member });
        await SendAsync(control, "_sandbox/clicks", new Dictionary<string, object> { ["messageId"] = original.GetProperty("id").GetString()!, ["customId"] = accept, ["userId"] = Partner });
        var panel = await WaitForMessageAsync(channel, message => message.Content.Contains("**Pair:", StringComparison.Ordinal) && message.Content.Contains(Partner, StringComparison.Ordinal));
        Assert.Contains("Streak: none yet", panel.Content, StringComparison.Ordinal);

        // One checks in with the command, the other with the panel's button: the day counts.
        await FinalStateAsync(control, await SendAsync(control, "_sandbox/interactions", new Dictionary<string, object> { ["name"] = "pair checkin", ["userId"] = Member }));
        var checkIn = CustomIds(panel.Components).Single(id => id.StartsWith("pair:checkin:", StringComparison.Ordinal));
        await SendAsync(control, "_sandbox/clicks", new Dictionary<string, object> { ["messageId"] = panel.Id.ToString(CultureInfo.InvariantCulture), ["customId"] = checkIn, ["userId"] = Partner });

        var today = GuildCalendar.LocalDate(DateTimeOffset.UtcNow, TimeZoneInfo.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var counted = await WaitForMessageAsync(channel, message => message.Id == panel.Id && message.Content.Contains("Days together: 1", StringComparison.Ordinal));
        Assert.Contains($"Streak: 1 day (as of {today})", counted.Content, StringComparison.Ordinal);
        Assert.Contains($"• {today} — <@{Partner}>", counted.Content, StringComparison.Ordinal);
        Assert.Equal(1, bot.Discord.State.ChannelMessages(channel).Count(message => message.Content.Contains("**Pair:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheOracle_PublishesOncePerWeek_AndItsDashboardCountsTheAnswerGivenThroughItsForm()
    {
        using var control = Control();
        var channel = 760000000000000001UL;
        var setup = await FinalStateAsync(control, await SendAsync(control, "_sandbox/interactions", new Dictionary<string, object>
        {
            ["name"] = "oracle setup",
            ["userId"] = Member,
            ["memberPermissions"] = ServerManager,
            ["options"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "channel", ["type"] = 7, ["value"] = channel.ToString(CultureInfo.InvariantCulture) },
                new Dictionary<string, object> { ["name"] = "day", ["type"] = 3, ["value"] = "monday" },
                new Dictionary<string, object> { ["name"] = "hour", ["type"] = 4, ["value"] = 0 },
            },
        }));
        Assert.Contains("every Monday at 00:00", setup.GetProperty("original").GetProperty("content").GetString(), StringComparison.Ordinal);

        // Monday 00:00 has always passed this week: the publisher posts this week's prompt now.
        var run = await bot.Host.RunTimerNowAsync(OraclePublisher);
        Assert.True(run.Succeeded, run.Error);
        var week = OracleWeek.Of(GuildCalendar.LocalDate(DateTimeOffset.UtcNow, TimeZoneInfo.Utc));
        var prompt = await WaitForMessageAsync(channel, message => message.Content.Contains("The oracle asks", StringComparison.Ordinal));
        Assert.Contains("No answers yet", prompt.Content, StringComparison.Ordinal);
        Assert.Equal([OracleText.ButtonId(week)], CustomIds(prompt.Components));

        // The button opens the form inline; the submit keeps the answer and the dashboard shows it.
        var opened = await FinalStateAsync(control, await SendAsync(control, "_sandbox/clicks", new Dictionary<string, object>
        {
            ["messageId"] = prompt.Id.ToString(CultureInfo.InvariantCulture),
            ["customId"] = OracleText.ButtonId(week),
            ["userId"] = Partner,
        }));
        Assert.Equal(9, opened.GetProperty("initialResponseType").GetInt32());
        Assert.Equal(OracleText.FormId(week), opened.GetProperty("modal").GetProperty("customId").GetString());
        var submitted = await FinalStateAsync(control, await SendAsync(control, "_sandbox/submits", new Dictionary<string, object>
        {
            ["customId"] = OracleText.FormId(week),
            ["fields"] = new Dictionary<string, string> { [OracleText.AnswerInput] = "A walk by the river, @everyone" },
            ["userId"] = Partner,
        }));
        Assert.Contains("Your answer is in", submitted.GetProperty("original").GetProperty("content").GetString(), StringComparison.Ordinal);
        var answered = await WaitForMessageAsync(channel, message => message.Id == prompt.Id && message.Content.Contains("1 answer", StringComparison.Ordinal));
        Assert.Contains($"<@{Partner}>: “A walk by the river, @\u200beveryone”", answered.Content, StringComparison.Ordinal);

        // Again: this week's prompt is out, so nothing more is posted.
        var again = await bot.Host.RunTimerNowAsync(OraclePublisher);
        Assert.True(again.Succeeded, again.Error);
        await Task.Delay(DelayForAnyPost);
        Assert.Single(bot.Discord.State.ChannelMessages(channel));
    }

    /// <summary>Long enough for a refresh queued by a second publish to have posted (coalescing window plus a poll).</summary>
    private static readonly TimeSpan DelayForAnyPost = TimeSpan.FromSeconds(3);

    private HttpClient Control() => new() { BaseAddress = new Uri(bot.Discord.BaseUrl + "/") };

    private async Task<string> SendAsync(HttpClient control, string path, Dictionary<string, object> body)
    {
        body["botUrl"] = bot.InteractionsUrl.ToString();
        using var response = await control.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var sent = JsonDocument.Parse(text);
        Assert.True(sent.RootElement.GetProperty("statusCode").GetInt32() == 200, text);
        return sent.RootElement.GetProperty("interactionId").GetString()!;
    }

    private static async Task<JsonElement> FinalStateAsync(HttpClient control, string interactionId)
    {
        var text = await control.GetStringAsync($"_sandbox/interactions/{interactionId}?wait=30");
        using var state = JsonDocument.Parse(text);
        Assert.True(state.RootElement.GetProperty("final").GetBoolean(), text);
        return state.RootElement.Clone();
    }

    /// <summary>Every custom_id in a message's action rows.</summary>
    private static List<string> CustomIds(JsonElement components) =>
        [.. components.EnumerateArray()
            .SelectMany(row => row.TryGetProperty("components", out var inner) ? inner.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(component => component.TryGetProperty("custom_id", out var id) ? id.GetString() : null)
            .OfType<string>()];

    private async Task<SandboxMessage> WaitForMessageAsync(ulong channel, Func<SandboxMessage, bool> predicate)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            if (bot.Discord.State.ChannelMessages(channel).FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for a message in channel {channel}; it has: {string.Join(" | ", bot.Discord.State.ChannelMessages(channel).Select(message => message.Content))}");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>The bot with projections paced for tests: a 1 s coalescing window.</summary>
public sealed class CommunityBotEnvironment : BotEnvironment
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>
    {
        ["Projections__CoalesceWindow"] = "00:00:01",
        ["Projections__PendingGrace"] = "00:00:05",
    };
}
