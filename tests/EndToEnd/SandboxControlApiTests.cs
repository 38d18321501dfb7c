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
        var opened = await FinalStateAsync(control, await PostAsync(control, "_sandbox/interactions", command));
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

    private static async Task<JsonElement> FinalStateAsync(HttpClient control, string interactionId)
    {
        var text = await control.GetStringAsync($"_sandbox/interactions/{interactionId}?wait=30");
        using var state = JsonDocument.Parse(text);
        Assert.True(state.RootElement.GetProperty("final").GetBoolean(), text);
        return state.RootElement.Clone();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
