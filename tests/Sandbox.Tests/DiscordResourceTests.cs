using System.Net;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class DiscordResourceTests
{
    private const ulong Guild = 400000000000000001;

    [Fact]
    public async Task BulkOverwrite_StoresCommandsWithIds_AndKeepsIdsByName()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        var path = $"applications/{sandbox.ApplicationId}/guilds/{Guild}/commands";

        using var first = await api.PutAsync(path, Sandboxes.Json("""[{"name":"ping","description":"Pong"},{"name":"help","description":"Help"}]"""), TestContext.Token);
        var firstIds = (await first.ReadJsonAsync()).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("id").GetString());
        using var second = await api.PutAsync(path, Sandboxes.Json("""[{"name":"ping","description":"Pong!"}]"""), TestContext.Token);
        var listed = await (await api.GetAsync(path, TestContext.Token)).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var ping = Assert.Single(sandbox.State.Commands(Guild));
        Assert.Equal(firstIds["ping"], ping.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Pong!", ping.Description);
        Assert.Equal(1, listed.GetArrayLength());
        Assert.Equal(Guild.ToString(System.Globalization.CultureInfo.InvariantCulture), listed[0].GetProperty("guild_id").GetString());
        Assert.NotNull(listed[0].GetProperty("version").GetString());
        Assert.Empty(sandbox.State.Commands());
    }

    [Fact]
    public async Task GlobalCommands_AreSeparateFromGuildCommands_AndUsedForInteractionIds()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox);

        (await api.PutAsync($"applications/{sandbox.ApplicationId}/commands", Sandboxes.Json("""[{"name":"ping","description":"Pong"}]"""), TestContext.Token)).Dispose();
        await sandbox.SendCommandAsync(bot);

        var command = Assert.Single(sandbox.State.Commands());
        Assert.Null(command.GuildId);
        Assert.Contains($"\"id\":\"{command.Id}\"", Assert.Single(bot.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidCommand_Is400WithTheOffendingField()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var response = await api.PutAsync($"applications/{sandbox.ApplicationId}/commands", Sandboxes.Json("""[{"name":"ok","description":"fine"},{"name":"Bad Name","description":"x"}]"""), TestContext.Token);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(50035, body.GetProperty("code").GetInt32());
        Assert.True(body.GetProperty("errors").GetProperty("1").TryGetProperty("name", out _));
        Assert.Empty(sandbox.State.Commands());
    }

    [Fact]
    public async Task UsersMe_IsTheBotUser()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        var me = await (await api.GetAsync("users/@me", TestContext.Token)).ReadJsonAsync();

        Assert.Equal(sandbox.BotUserId.ToString(System.Globalization.CultureInfo.InvariantCulture), me.GetProperty("id").GetString());
        Assert.True(me.GetProperty("bot").GetBoolean());
        Assert.False(string.IsNullOrEmpty(me.GetProperty("username").GetString()));
    }

    [Fact]
    public async Task GatewayBot_PointsAtTheSandbox()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        var gateway = await (await api.GetAsync("gateway/bot", TestContext.Token)).ReadJsonAsync();

        Assert.Equal($"ws://127.0.0.1:{sandbox.Port}/gateway", gateway.GetProperty("url").GetString());
        Assert.Equal(1, gateway.GetProperty("shards").GetInt32());
        Assert.Equal(1, gateway.GetProperty("session_start_limit").GetProperty("max_concurrency").GetInt32());
    }

    [Fact]
    public async Task UnknownRoute_Is404NotFound_AndStillRecorded()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var response = await api.GetAsync("guilds/1/scheduled-events", TestContext.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404: Not Found", (await response.ReadJsonAsync()).GetProperty("message").GetString());
        Assert.Equal(404, Assert.Single(sandbox.Calls).StatusCode);
    }
}
