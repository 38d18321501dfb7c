using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Sandbox.Cli;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Console;

public sealed class CliInteractionTests
{
    private const string Rich = """{"content":"Now playing: Song","embeds":[{"title":"Queue","description":"1. Song","fields":[{"name":"Length","value":"3:00"}],"footer":{"text":"2 in queue"}}],"components":[{"type":1,"components":[{"type":2,"style":1,"label":"Skip","custom_id":"music:skip"},{"type":2,"style":4,"label":"Stop","custom_id":"music:stop","disabled":true}]},{"type":1,"components":[{"type":3,"custom_id":"music:loop","options":[{"label":"Off","value":"off"},{"label":"Track","value":"track"}]}]}]}""";

    [Fact]
    public async Task Send_ReturnsAsSoonAsTheDeferredAnswerIsEdited_AndPrintsItInFull()
    {
        SandboxServer? sandbox = null;
        await using var bot = await FakeBot.StartAsync(async (request, context) =>
        {
            var token = JsonDocument.Parse(request.Body).RootElement.GetProperty("token").GetString();
            _ = Task.Run(async () =>
            {
                await Task.Delay(200);
                using var client = Sandboxes.Api(sandbox!, asBot: false);
                (await client.PatchAsync($"webhooks/{sandbox!.ApplicationId}/{token}/messages/@original", Sandboxes.Json(Rich))).Dispose();
            });
            await Task.Yield();
            return Results.Content("""{"type":5}""", "application/json");
        });
        sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);
        await using var running = sandbox;
        using var output = new StringWriter();

        var clock = Stopwatch.StartNew();
        var exit = await SandboxCli.RunAsync(["send", "/status", "--sandbox", sandbox.BaseUrl, "--wait", "30"], output, TextWriter.Null, TestContext.Token);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("deferred (\"thinking…\")", text, StringComparison.Ordinal);
        Assert.Contains("Now playing: Song", text, StringComparison.Ordinal);
        Assert.Contains("embed: Queue", text, StringComparison.Ordinal);
        Assert.Contains("Length: 3:00", text, StringComparison.Ordinal);
        Assert.Contains("— 2 in queue", text, StringComparison.Ordinal);
        Assert.Contains("[button \"Skip\" primary custom_id=music:skip]", text, StringComparison.Ordinal);
        Assert.Contains("[button \"Stop\" danger custom_id=music:stop disabled]", text, StringComparison.Ordinal);
        Assert.Contains("[select custom_id=music:loop]", text, StringComparison.Ordinal);
        Assert.Contains("- track: Track", text, StringComparison.Ordinal);
        Assert.Contains("/messages/@original → 200", text, StringComparison.Ordinal);
        Assert.DoesNotContain("thinking…]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_AnInlineAnswer_ReturnsWellUnderASecond_AsReadableText()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"Pong! \"fast\"","flags":64}}""");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);
        await SandboxCli.RunAsync(["send", "/ping", "--sandbox", sandbox.BaseUrl], TextWriter.Null, TextWriter.Null, TestContext.Token);
        using var output = new StringWriter();

        var clock = Stopwatch.StartNew();
        var exit = await SandboxCli.RunAsync(["send", "/ping", "--sandbox", sandbox.BaseUrl], output, TextWriter.Null, TestContext.Token);
        var elapsed = clock.Elapsed;

        Assert.Equal(0, exit);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(900));
        Assert.Contains("Bot answered 200", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Pong! \"fast\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("[only you can see this]", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WhenTheDeferredAnswerIsNeverEdited_Exits1AndSaysSo()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);
        using var output = new StringWriter();

        var exit = await SandboxCli.RunAsync(["send", "/status", "--sandbox", sandbox.BaseUrl, "--wait", "0.5"], output, TextWriter.Null, TestContext.Token);

        Assert.Equal(1, exit);
        Assert.Contains("No final answer within 0.5 s: the user still sees \"thinking…\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_AsAMemberWithPermissionNames_AddsThemToTheMembersOwn()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"ok"}}""");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);

        var exit = await SandboxCli.RunAsync(
            ["send", "/schedule", "--as", "sandbox-newcomer", "--permissions", "manage-messages,manage-guild", "--sandbox", sandbox.BaseUrl], TextWriter.Null, TextWriter.Null, TestContext.Token);

        Assert.Equal(0, exit);
        var member = JsonDocument.Parse(Assert.Single(bot.Requests).Body).RootElement.GetProperty("member");
        Assert.Equal("100000000000000033", member.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("sandbox-newcomer", member.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal((SandboxDefaults.EveryonePermissions | 8192 | 32).ToString(System.Globalization.CultureInfo.InvariantCulture), member.GetProperty("permissions").GetString());
    }

    [Theory]
    [InlineData("--as", "nobody")]
    [InlineData("--permissions", "fly")]
    public async Task Send_WithAnUnknownMemberOrPermission_Exits2NamingTheChoices(string option, string value)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 }, TestContext.Token);
        using var error = new StringWriter();

        var exit = await SandboxCli.RunAsync(["send", "/ping", option, value, "--sandbox", sandbox.BaseUrl], TextWriter.Null, error, TestContext.Token);

        Assert.Equal(2, exit);
        Assert.Contains(option == "--as" ? "sandbox-moderator" : "manage-messages", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ThenSubmit_FillsInTheFormTheBotOpened()
    {
        await using var bot = await FakeBot.StartAsync((request, _) => Task.FromResult(Results.Content(
            JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetInt32() == 2
                ? """{"type":9,"data":{"custom_id":"schedule:create","title":"New post","components":[{"type":1,"components":[{"type":4,"custom_id":"text","label":"Text","style":2}]}]}}"""
                : """{"type":4,"data":{"content":"Scheduled"}}""",
            "application/json")));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);
        using var opened = new StringWriter();
        using var submitted = new StringWriter();

        var openExit = await SandboxCli.RunAsync(["send", "/schedule", "create", "--sandbox", sandbox.BaseUrl], opened, TextWriter.Null, TestContext.Token);
        var submitExit = await SandboxCli.RunAsync(["submit", "schedule:create", "text=Standup at 10", "--sandbox", sandbox.BaseUrl], submitted, TextWriter.Null, TestContext.Token);

        Assert.Equal(0, openExit);
        Assert.Contains("Form \"New post\" [schedule:create]", opened.ToString(), StringComparison.Ordinal);
        Assert.Contains("text: Text (paragraph, required)", opened.ToString(), StringComparison.Ordinal);
        Assert.Contains("Fill it in with: submit schedule:create text=…", opened.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, submitExit);
        Assert.Contains("Scheduled", submitted.ToString(), StringComparison.Ordinal);
        var data = JsonDocument.Parse(bot.Requests[1].Body).RootElement.GetProperty("data");
        Assert.Equal("Standup at 10", data.GetProperty("components")[0].GetProperty("components")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Click_PressesTheButton_AndPrintsTheUpdatedMessage_AndWhatTheBotPostedMeanwhile()
    {
        SandboxServer? sandbox = null;
        await using var bot = await FakeBot.StartAsync(async (request, _) =>
        {
            if (JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetInt32() == 2)
            {
                return Results.Content($$"""{"type":4,"data":{{Rich}}}""", "application/json");
            }

            using var api = Sandboxes.Api(sandbox!);
            (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"Skipped by sandbox-user"}"""))).Dispose();
            return Results.Content("""{"type":7,"data":{"content":"Now playing: Next","components":[]}}""", "application/json");
        });
        sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url, Port = 0 }, TestContext.Token);
        await using var running = sandbox;
        using var sent = new StringWriter();
        await SandboxCli.RunAsync(["send", "/music", "--sandbox", sandbox.BaseUrl], sent, TextWriter.Null, TestContext.Token);
        var messageId = System.Text.RegularExpressions.Regex.Match(sent.ToString(), @"\(message (\d+)\)").Groups[1].Value;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var unknown = await SandboxCli.RunAsync(["click", messageId, "music:nothing", "--sandbox", sandbox.BaseUrl], TextWriter.Null, error, TestContext.Token);
        var exit = await SandboxCli.RunAsync(["click", messageId, "music:skip", "--sandbox", sandbox.BaseUrl], output, TextWriter.Null, TestContext.Token);

        Assert.Equal(0, exit);
        Assert.Contains("updated the clicked message", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Now playing: Next", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Meanwhile the bot also:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Skipped by sandbox-user", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, unknown);
        Assert.Contains("it has: music:skip, music:loop", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembersAndMessages_ListTheGuild()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 }, TestContext.Token);
        using var api = Sandboxes.Api(sandbox);
        (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json(Rich), TestContext.Token)).Dispose();
        using var members = new StringWriter();
        using var messages = new StringWriter();

        var membersExit = await SandboxCli.RunAsync(["members", "--sandbox", sandbox.BaseUrl], members, TextWriter.Null, TestContext.Token);
        var messagesExit = await SandboxCli.RunAsync(["messages", "--sandbox", sandbox.BaseUrl], messages, TextWriter.Null, TestContext.Token);

        Assert.Equal(0, membersExit);
        Assert.Matches(@"sandbox-moderator\s+100000000000000032  permissions \d+ \(typical\+manage-guild\+manage-messages\)", members.ToString());
        Assert.Equal(0, messagesExit);
        Assert.Contains("[button \"Skip\" primary custom_id=music:skip]", messages.ToString(), StringComparison.Ordinal);
    }
}
