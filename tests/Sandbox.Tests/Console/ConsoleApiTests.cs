using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Console;

public sealed class ConsoleApiTests
{
    private const string Moderator = "100000000000000032";

    private const string ButtonMessage = """{"type":4,"data":{"content":"Pick","components":[{"type":1,"components":[{"type":2,"style":1,"label":"Go","custom_id":"go"},{"type":2,"style":2,"label":"Off","custom_id":"off","disabled":true},{"type":2,"style":5,"label":"Docs","url":"https://example.invalid"}]}]}}""";

    private const string Form = """{"type":9,"data":{"custom_id":"schedule:create","title":"New post","components":[{"type":1,"components":[{"type":4,"custom_id":"text","label":"Text","style":2,"required":true}]},{"type":1,"components":[{"type":4,"custom_id":"when","label":"When","style":1,"required":false}]}]}}""";

    [Fact]
    public async Task Guild_ListsChannelsMembersAndTheRegisteredCommands()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);
        (await api.PutAsync($"applications/{sandbox.ApplicationId}/commands", Sandboxes.Json("""[{"name":"ping","description":"Ping"}]"""), TestContext.Token)).Dispose();
        (await api.PutAsync(
            $"applications/{sandbox.ApplicationId}/guilds/{SandboxDefaults.GuildId}/commands",
            Sandboxes.Json("""[{"name":"schedule","description":"Schedule","default_member_permissions":"8192","options":[{"type":1,"name":"create","description":"Create"}]}]"""),
            TestContext.Token)).Dispose();

        var guild = await (await control.GetAsync("_sandbox/guild", TestContext.Token)).ReadJsonAsync();

        Assert.Equal("Sandbox Guild", guild.GetProperty("guild").GetProperty("name").GetString());
        Assert.Equal(
            ["general:0", "General Voice:2"],
            guild.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("name").GetString() + ":" + c.GetProperty("type").GetInt32()).ToArray());
        var members = guild.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("username").GetString()!);
        Assert.Equal(Moderator, members["sandbox-moderator"].GetProperty("id").GetString());
        Assert.Equal(8192UL, ulong.Parse(members["sandbox-moderator"].GetProperty("permissions").GetString()!, System.Globalization.CultureInfo.InvariantCulture) & 8192);
        Assert.Equal(0UL, ulong.Parse(members["sandbox-newcomer"].GetProperty("permissions").GetString()!, System.Globalization.CultureInfo.InvariantCulture) & 8192);
        Assert.True(members["sandbox-bot"].GetProperty("isBot").GetBoolean());
        Assert.True(members["sandbox-user"].GetProperty("isOwner").GetBoolean());
        Assert.Equal(JsonValueKind.Null, members["sandbox-user"].GetProperty("voiceChannelId").ValueKind);
        var commands = guild.GetProperty("commands").EnumerateArray().ToList();
        Assert.Equal(["ping", "schedule"], commands.Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("create", commands[1].GetProperty("options")[0].GetProperty("name").GetString());
        Assert.Equal("8192", commands[1].GetProperty("default_member_permissions").GetString());
    }

    [Fact]
    public async Task Members_StoredPermissionsAndNameReachTheInteraction_UnlessTheRequestGivesPermissions()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"ok"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);

        using var put = await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"permissions":"8","username":"mod"}"""), TestContext.Token);
        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json($$"""{"name":"ping","userId":"{{Moderator}}"}"""), TestContext.Token)).Dispose();
        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json($$"""{"name":"ping","userId":"{{Moderator}}","memberPermissions":"16"}"""), TestContext.Token)).Dispose();
        using var unknown = await control.PutAsync("_sandbox/members/123", Sandboxes.Json("""{"permissions":"8"}"""), TestContext.Token);
        using var invalid = await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"permissions":8}"""), TestContext.Token);
        using var badRoles = await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"roles":"1"}"""), TestContext.Token);
        using var undefinedBit = await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"permissions":"9223372036854775808"}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("mod", (await put.ReadJsonAsync()).GetProperty("username").GetString());
        var members = bot.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("member")).ToList();
        Assert.Equal("8", members[0].GetProperty("permissions").GetString());
        Assert.Equal("mod", members[0].GetProperty("user").GetProperty("username").GetString());
        Assert.Equal("16", members[1].GetProperty("permissions").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No member 123", (await unknown.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRoles.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, undefinedBit.StatusCode);
    }

    [Fact]
    public async Task Members_PermissionsGoThroughOneBitRolesTheGuildAlreadyHas_SoWhatTheBotComputesFromRolesFollows()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"ok"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);
        const string Newcomer = "100000000000000033";
        var command = $$"""{"name":"schedule create","userId":"{{Newcomer}}","options":[{"name":"channel","type":7,"value":"100000000000000020"}]}""";

        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json(command), TestContext.Token)).Dispose();
        var member = await (await control.PutAsync($"_sandbox/members/{Newcomer}", Sandboxes.Json("""{"permissions":"8192"}"""), TestContext.Token)).ReadJsonAsync();
        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json(command), TestContext.Token)).Dispose();
        var moderatorRoles = sandbox.State.GetMemberRoles(SandboxDefaults.GuildId, SandboxDefaults.ModeratorUserId);

        var before = ChannelPermissions(bot.Requests[0]);
        var after = ChannelPermissions(bot.Requests[1]);
        Assert.Equal(0UL, before & 8192);
        Assert.Equal(8192UL, after & 8192);
        var role = Assert.Single(member.GetProperty("roles").EnumerateArray()).GetString();
        Assert.Equal(SandboxDefaults.PermissionRoleId(13).ToString(System.Globalization.CultureInfo.InvariantCulture), role);
        Assert.Equal([role!], JsonDocument.Parse(bot.Requests[1].Body).RootElement.GetProperty("member").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal([SandboxDefaults.ModeratorRoleId], moderatorRoles);

        static ulong ChannelPermissions(BotRequest request) => ulong.Parse(
            JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("resolved").GetProperty("channels").GetProperty("100000000000000020").GetProperty("permissions").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Members_VoiceChannel_MovesTheMemberLikeAGatewayVoiceState_AndNullTakesThemOut()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);
        var voice = SandboxDefaults.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var joined = await (await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json($$"""{"voiceChannelId":"{{voice}}"}"""), TestContext.Token)).ReadJsonAsync();
        var stateWhileIn = sandbox.State.GetVoiceState(SandboxDefaults.GuildId, SandboxDefaults.ModeratorUserId);
        var kept = await (await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"roles":[]}"""), TestContext.Token)).ReadJsonAsync();
        var left = await (await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"voiceChannelId":null}"""), TestContext.Token)).ReadJsonAsync();
        using var notVoice = await control.PutAsync($"_sandbox/members/{Moderator}", Sandboxes.Json("""{"voiceChannelId":"100000000000000020"}"""), TestContext.Token);

        Assert.Equal(voice, joined.GetProperty("voiceChannelId").GetString());
        Assert.Equal(SandboxDefaults.VoiceChannelId, stateWhileIn!.ChannelId);
        Assert.Equal(voice, kept.GetProperty("voiceChannelId").GetString());
        Assert.Equal(JsonValueKind.Null, left.GetProperty("voiceChannelId").ValueKind);
        Assert.Null(sandbox.State.GetVoiceState(SandboxDefaults.GuildId, SandboxDefaults.ModeratorUserId));
        Assert.Equal(HttpStatusCode.BadRequest, notVoice.StatusCode);
    }

    [Fact]
    public async Task Click_SendsAComponentInteractionCarryingTheMessage_AndAnUpdateAnswerEditsIt()
    {
        await using var bot = await FakeBot.StartAsync((request, _) => Task.FromResult(
            Results.Content(TypeOf(request) == 2 ? ButtonMessage : """{"type":7,"data":{"content":"Clicked","components":[]}}""", "application/json")));
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);
        var messageId = await SendAndGetOriginalIdAsync(control);

        using var click = await control.PostAsync("_sandbox/clicks", Sandboxes.Json($$"""{"messageId":"{{messageId}}","customId":"go","userId":"{{Moderator}}"}"""), TestContext.Token);
        var sent = await click.ReadJsonAsync();
        var state = await (await control.GetAsync($"_sandbox/interactions/{sent.GetProperty("interactionId").GetString()}", TestContext.Token)).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        using var payload = JsonDocument.Parse(bot.Requests[1].Body);
        var root = payload.RootElement;
        Assert.Equal(3, root.GetProperty("type").GetInt32());
        Assert.Equal("go", root.GetProperty("data").GetProperty("custom_id").GetString());
        Assert.Equal(2, root.GetProperty("data").GetProperty("component_type").GetInt32());
        Assert.Equal(messageId, root.GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("Pick", root.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(Moderator, root.GetProperty("member").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("Clicked", sandbox.State.GetMessage(ulong.Parse(messageId, System.Globalization.CultureInfo.InvariantCulture))!.Content);
        Assert.True(state.GetProperty("final").GetBoolean());
        Assert.Equal(7, state.GetProperty("initialResponseType").GetInt32());
        Assert.Equal("go", state.GetProperty("customId").GetString());
        Assert.Equal("Clicked", state.GetProperty("original").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Click_OnAnUnknownMessage_Is404_AndOnAMissingOrDisabledComponent_Is400ListingTheIds()
    {
        await using var bot = await FakeBot.AnsweringAsync(ButtonMessage);
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);
        var messageId = await SendAndGetOriginalIdAsync(control);

        using var unknownMessage = await control.PostAsync("_sandbox/clicks", Sandboxes.Json("""{"messageId":"1","customId":"go"}"""), TestContext.Token);
        using var missing = await control.PostAsync("_sandbox/clicks", Sandboxes.Json($$"""{"messageId":"{{messageId}}","customId":"nope"}"""), TestContext.Token);
        using var disabled = await control.PostAsync("_sandbox/clicks", Sandboxes.Json($$"""{"messageId":"{{messageId}}","customId":"off"}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.NotFound, unknownMessage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.EndsWith("it has: go.", (await missing.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, disabled.StatusCode);
        Assert.Single(bot.Requests);
    }

    [Fact]
    public async Task Submit_SendsTheFormTheBotOpened_WithEveryTextInput()
    {
        await using var bot = await FakeBot.StartAsync((request, _) => Task.FromResult(
            Results.Content(TypeOf(request) == 2 ? Form : """{"type":4,"data":{"content":"Scheduled","flags":64}}""", "application/json")));
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);
        var opened = await (await control.PostAsync("_sandbox/interactions", Sandboxes.Json("""{"name":"schedule create"}"""), TestContext.Token)).ReadJsonAsync();
        var openedState = await (await control.GetAsync($"_sandbox/interactions/{opened.GetProperty("interactionId").GetString()}", TestContext.Token)).ReadJsonAsync();

        using var submit = await control.PostAsync("_sandbox/submits", Sandboxes.Json("""{"customId":"schedule:create","fields":{"text":"Standup"}}"""), TestContext.Token);
        var sent = await submit.ReadJsonAsync();
        var state = await (await control.GetAsync($"_sandbox/interactions/{sent.GetProperty("interactionId").GetString()}?wait=5", TestContext.Token)).ReadJsonAsync();

        Assert.Equal("New post", openedState.GetProperty("modal").GetProperty("title").GetString());
        Assert.True(openedState.GetProperty("final").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        using var payload = JsonDocument.Parse(bot.Requests[1].Body);
        var data = payload.RootElement.GetProperty("data");
        Assert.Equal(5, payload.RootElement.GetProperty("type").GetInt32());
        Assert.Equal("schedule:create", data.GetProperty("custom_id").GetString());
        Assert.Equal("Standup", data.GetProperty("components")[0].GetProperty("components")[0].GetProperty("value").GetString());
        Assert.Equal("", data.GetProperty("components")[1].GetProperty("components")[0].GetProperty("value").GetString());
        Assert.True(state.GetProperty("original").GetProperty("ephemeral").GetBoolean());
        Assert.Equal("schedule:create", state.GetProperty("original").GetProperty("interaction").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Submit_ForAFormNeverOpened_Is404_AndForUnknownOrMissingFields_Is400NamingThem()
    {
        await using var bot = await FakeBot.AnsweringAsync(Form);
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);
        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json("""{"name":"schedule create"}"""), TestContext.Token)).Dispose();

        using var neverOpened = await control.PostAsync("_sandbox/submits", Sandboxes.Json("""{"customId":"other","fields":{}}"""), TestContext.Token);
        using var unknownField = await control.PostAsync("_sandbox/submits", Sandboxes.Json("""{"customId":"schedule:create","fields":{"text":"x","colour":"red"}}"""), TestContext.Token);
        using var missingField = await control.PostAsync("_sandbox/submits", Sandboxes.Json("""{"customId":"schedule:create","fields":{"when":"10:00"}}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.NotFound, neverOpened.StatusCode);
        Assert.Contains("open forms: schedule:create", (await neverOpened.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Contains("'colour'", (await unknownField.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingField.StatusCode);
        Assert.Contains("requires: text", (await missingField.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(bot.Requests);
    }

    [Fact]
    public async Task InteractionState_OfADeferredAnswer_IsNotFinalUntilTheEdit_AndTheLongPollReturnsOnTheEdit()
    {
        SandboxServer? sandbox = null;
        using var release = new SemaphoreSlim(0);
        await using var bot = await FakeBot.StartAsync(async (request, context) =>
        {
            var token = JsonDocument.Parse(request.Body).RootElement.GetProperty("token").GetString();
            _ = Task.Run(async () =>
            {
                await release.WaitAsync();
                using var client = Sandboxes.Api(sandbox!, asBot: false);
                (await client.PatchAsync($"webhooks/{sandbox!.ApplicationId}/{token}/messages/@original", Sandboxes.Json("""{"content":"Done"}"""))).Dispose();
            });
            await Task.Yield();
            return Results.Content("""{"type":5}""", "application/json");
        });
        sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        await using var running = sandbox;
        using var control = Sandboxes.Control(sandbox);
        var sent = await (await control.PostAsync("_sandbox/interactions", Sandboxes.Json("""{"name":"status"}"""), TestContext.Token)).ReadJsonAsync();
        var id = sent.GetProperty("interactionId").GetString();

        var thinking = await (await control.GetAsync($"_sandbox/interactions/{id}", TestContext.Token)).ReadJsonAsync();
        var polling = control.GetAsync($"_sandbox/interactions/{id}?wait=30", TestContext.Token);
        await Task.Delay(100, TestContext.Token);
        var stillPolling = !polling.IsCompleted;
        var clock = Stopwatch.StartNew();
        release.Release();
        var final = await (await polling).ReadJsonAsync();

        Assert.False(thinking.GetProperty("final").GetBoolean());
        Assert.True(thinking.GetProperty("original").GetProperty("loading").GetBoolean());
        Assert.True(stillPolling);
        Assert.True(final.GetProperty("final").GetBoolean());
        Assert.Equal("Done", final.GetProperty("original").GetProperty("content").GetString());
        Assert.False(final.GetProperty("original").GetProperty("loading").GetBoolean());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(sent.GetProperty("token").GetString()!, final.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteractionState_ForAnUnknownId_Is404()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);

        using var response = await control.GetAsync("_sandbox/interactions/42?wait=1", TestContext.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ChannelMessages_IncludeEphemeralAnswersFlagged_AndADeletedMessageIsUnknownToTheBot()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"Only you","flags":64}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);
        (await control.PostAsync("_sandbox/interactions", Sandboxes.Json("""{"name":"ping"}"""), TestContext.Token)).Dispose();
        var post = await (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"Now playing"}"""), TestContext.Token)).ReadJsonAsync();
        var postId = post.GetProperty("id").GetString();

        var messages = await (await control.GetAsync($"_sandbox/channels/{SandboxDefaults.ChannelId}/messages", TestContext.Token)).ReadJsonAsync();
        using var deleted = await control.DeleteAsync($"_sandbox/channels/{SandboxDefaults.ChannelId}/messages/{postId}", TestContext.Token);
        using var edit = await api.PatchAsync($"channels/{SandboxDefaults.ChannelId}/messages/{postId}", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
        using var again = await control.DeleteAsync($"_sandbox/channels/{SandboxDefaults.ChannelId}/messages/{postId}", TestContext.Token);

        Assert.Equal(["Only you", "Now playing"], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToArray());
        Assert.True(messages[0].GetProperty("ephemeral").GetBoolean());
        Assert.Equal("ping", messages[0].GetProperty("interaction").GetProperty("name").GetString());
        Assert.False(messages[1].GetProperty("ephemeral").GetBoolean());
        Assert.Equal("sandbox-bot", messages[1].GetProperty("author").GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, edit.StatusCode);
        Assert.Equal(10008, (await edit.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Calls_CarryRateLimitHeadersAndDuration()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);
        (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"hi"}"""), TestContext.Token)).Dispose();

        var calls = await (await control.GetAsync("_sandbox/calls", TestContext.Token)).ReadJsonAsync();

        var call = calls.GetProperty("calls")[0];
        Assert.Equal(5, call.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal(4, call.GetProperty("rateLimit").GetProperty("remaining").GetInt32());
        Assert.False(string.IsNullOrEmpty(call.GetProperty("rateLimit").GetProperty("bucket").GetString()));
        Assert.True(call.TryGetProperty("durationMs", out _));
    }

    [Fact]
    public async Task FaultPresets_RateLimitStormAnswers429_RevokeTokenRevokes_AndAnUnknownNameIs404()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);

        using var storm = await control.PostAsync("_sandbox/faults/presets/rate-limit-storm", null, TestContext.Token);
        using var limited = await api.GetAsync("users/@me", TestContext.Token);
        (await control.DeleteAsync("_sandbox/faults", TestContext.Token)).Dispose();
        using var revoke = await control.PostAsync("_sandbox/faults/presets/revoke-token", null, TestContext.Token);
        using var revoked = await api.GetAsync("users/@me", TestContext.Token);
        using var unknown = await control.PostAsync("_sandbox/faults/presets/meteor", null, TestContext.Token);

        Assert.Equal(HttpStatusCode.Created, storm.StatusCode);
        var rules = (await storm.ReadJsonAsync()).GetProperty("rules");
        Assert.Equal(20, rules.EnumerateArray().Sum(rule => rule.GetProperty("times").GetInt32()));
        Assert.Contains(rules.EnumerateArray(), rule => rule.GetProperty("global").GetBoolean());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.Created, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("rate-limit-storm, server-errors, revoke-token", (await unknown.ReadJsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Sends a command whose inline answer has components; returns the answer's message id.</summary>
    private static async Task<string> SendAndGetOriginalIdAsync(HttpClient control)
    {
        var sent = await (await control.PostAsync("_sandbox/interactions", Sandboxes.Json("""{"name":"music"}"""), TestContext.Token)).ReadJsonAsync();
        var state = await (await control.GetAsync($"_sandbox/interactions/{sent.GetProperty("interactionId").GetString()}", TestContext.Token)).ReadJsonAsync();
        return state.GetProperty("original").GetProperty("id").GetString()!;
    }

    private static int TypeOf(BotRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetInt32();
}
