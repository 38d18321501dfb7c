using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The real bot driven the way the web console and the Sandbox CLI drive it: only through the Sandbox's control API
/// (<c>/_sandbox/…</c>), with the acting member's permissions switched there.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SandboxControlApiTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    private const string Newcomer = "100000000000000033";
    private static long s_nextChannel = 720000000000000000;

    [Fact]
    public async Task ScheduleCreate_IsRefusedForTheNewcomer_UntilTheirPermissionIsSwitchedOn_ThenTheFormSchedulesThePost()
    {
        using var control = new HttpClient { BaseAddress = new Uri(bot.Discord.BaseUrl + "/") };
        var channel = Interlocked.Increment(ref s_nextChannel).ToString(CultureInfo.InvariantCulture);
        var when = DateTimeOffset.UtcNow.AddHours(2).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var command = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = "schedule create",
            ["userId"] = Newcomer,
            ["botUrl"] = bot.InteractionsUrl.ToString(),
            ["options"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = "channel", ["type"] = 7, ["value"] = channel },
                new Dictionary<string, object> { ["name"] = "when", ["type"] = 3, ["value"] = when },
            },
        });

        var refused = await FinalStateAsync(control, await PostAsync(control, "_sandbox/interactions", command));
        (await control.PutAsync($"_sandbox/members/{Newcomer}", Json("""{"permissions":"8192"}"""))).EnsureSuccessStatusCode();
        var opened = await OpenFormAsync(control, command);
        var customId = opened.GetProperty("modal").GetProperty("customId").GetString()!;
        var submitted = await FinalStateAsync(control, await PostAsync(
            control, "_sandbox/submits", JsonSerializer.Serialize(new { customId, fields = new { content = "Hello from the console" }, botUrl = bot.InteractionsUrl.ToString() })));

        Assert.Contains("Manage Messages", refused.GetProperty("original").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(9, opened.GetProperty("initialResponseType").GetInt32());
        Assert.Contains("Scheduled post", submitted.GetProperty("original").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(Newcomer, submitted.GetProperty("userId").GetString());
    }

    private static async Task<string> PostAsync(HttpClient control, string path, string body)
    {
        using var response = await control.PostAsync(path, Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var sent = JsonDocument.Parse(text);
        Assert.True(sent.RootElement.GetProperty("statusCode").GetInt32() == 200, text);
        return sent.RootElement.GetProperty("interactionId").GetString()!;
    }

    /// <summary>
    /// Sends the command until it opens its form: on a busy machine the bot's 2-s check of the channel with Discord can
    /// run out, and it then answers "try again in a moment", as a person would be told and would do.
    /// </summary>
    private static async Task<JsonElement> OpenFormAsync(HttpClient control, string command)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await FinalStateAsync(control, await PostAsync(control, "_sandbox/interactions", command));
            var openedForm = state.TryGetProperty("modal", out var modal) && modal.ValueKind == JsonValueKind.Object;
            if (openedForm || attempt == 3 || !state.ToString().Contains("try again in a moment", StringComparison.Ordinal))
            {
                return state;
            }
        }
    }

    private static async Task<JsonElement> FinalStateAsync(HttpClient control, string interactionId)
    {
        var text = await control.GetStringAsync($"_sandbox/interactions/{interactionId}?wait=30");
        using var state = JsonDocument.Parse(text);
        Assert.True(state.RootElement.GetProperty("final").GetBoolean(), text);
        return state.RootElement.Clone();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}

/// <summary>The music buttons clicked as the console clicks them: <c>POST /_sandbox/clicks</c> on the now-playing message.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SandboxControlApiMusicTests(MusicEnvironment music) : IClassFixture<MusicEnvironment>
{
    [Fact]
    public async Task PauseButton_OnTheNowPlayingMessage_ClickedThroughTheControlApi_PausesThePlayer()
    {
        using var control = new HttpClient { BaseAddress = new Uri(music.Discord.BaseUrl + "/") };
        await music.MusicAsync("stop");
        await music.MusicAsync("play", Serverless.Sandbox.Interactions.CommandOption.String("query", "sandbox:track?length=600000&title=Clickable"));
        await music.WaitForTrackAsync("Clickable");
        var messageId = await NowPlayingMessageIdAsync(control);

        using var click = await control.PostAsync(
            "_sandbox/clicks",
            new StringContent(
                JsonSerializer.Serialize(new { messageId, customId = "music:pause", botUrl = music.InteractionsUrl.ToString() }),
                Encoding.UTF8,
                new MediaTypeHeaderValue("application/json")));
        var sent = JsonDocument.Parse(await click.Content.ReadAsStringAsync()).RootElement;
        var state = JsonDocument.Parse(await control.GetStringAsync($"_sandbox/interactions/{sent.GetProperty("interactionId").GetString()}?wait=30")).RootElement;
        var paused = await music.Lavalink.WaitForPlayerAsync(
            Serverless.Sandbox.Hosting.SandboxDefaults.GuildId, player => player.Paused, MusicEnvironment.Patience);

        Assert.True(click.IsSuccessStatusCode, sent.GetRawText());
        Assert.Equal(200, sent.GetProperty("statusCode").GetInt32());
        Assert.True(state.GetProperty("final").GetBoolean(), state.GetRawText());
        Assert.Equal("Clickable", paused.Track?.Title);
    }

    /// <summary>The companion posts the now-playing message a moment after the track starts.</summary>
    private static async Task<string> NowPlayingMessageIdAsync(HttpClient control)
    {
        var deadline = DateTime.UtcNow + MusicEnvironment.Patience;
        while (true)
        {
            var messages = JsonDocument.Parse(await control.GetStringAsync("_sandbox/channels/100000000000000020/messages")).RootElement;
            var withPause = messages.EnumerateArray().LastOrDefault(message => message.GetProperty("components").GetRawText().Contains("music:pause", StringComparison.Ordinal));
            if (withPause.ValueKind == JsonValueKind.Object)
            {
                return withPause.GetProperty("id").GetString()!;
            }

            Assert.True(DateTime.UtcNow < deadline, "no now-playing message with a pause button: " + messages.GetRawText());
            await Task.Delay(100);
        }
    }
}
