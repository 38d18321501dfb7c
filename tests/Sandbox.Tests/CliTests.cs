using Serverless.Sandbox.Cli;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Send_PrintsTheAnswer_AndTheCallsTheBotMadeForTheInteraction()
    {
        SandboxServer? sandbox = null;
        await using var bot = await FakeBot.StartAsync(async (request, context) =>
        {
            // Like a real bot after deferring: edit @original with the token it was given.
            var token = System.Text.Json.JsonDocument.Parse(request.Body).RootElement.GetProperty("token").GetString();
            _ = Task.Run(async () =>
            {
                using var client = Sandboxes.Api(sandbox!, asBot: false);
                await Task.Delay(100);
                using var edited = await client.PatchAsync($"webhooks/{sandbox!.ApplicationId}/{token}/messages/@original", Sandboxes.Json("""{"content":"Pong from x"}"""));
            });
            await Task.Yield();
            return Microsoft.AspNetCore.Http.Results.Content("""{"type":5}""", "application/json");
        });
        sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url }, TestContext.Token);
        await using var running = sandbox;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await SandboxCli.RunAsync(["send", "/ping", "--option", "target=x", "--sandbox", sandbox.BaseUrl, "--wait", "1.5"], output, error, TestContext.Token);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("Bot answered 200", text, StringComparison.Ordinal);
        Assert.Contains("PATCH /webhooks/", text, StringComparison.Ordinal);
        Assert.Contains("/messages/@original → 200  content: \"Pong from x\"", text, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"x\"", Assert.Single(bot.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WhenTheBotFails_Exits1()
    {
        await using var bot = await FakeBot.StartAsync((_, _) => Task.FromResult(Microsoft.AspNetCore.Http.Results.StatusCode(401)));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { BotInteractionsUrl = bot.Url }, TestContext.Token);
        using var output = new StringWriter();

        var exit = await SandboxCli.RunAsync(["send", "ping", "--sandbox", sandbox.BaseUrl, "--wait", "0"], output, TextWriter.Null, TestContext.Token);

        Assert.Equal(1, exit);
        Assert.Contains("Bot answered 401", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WhenTheSandboxIsNotRunning_Exits2WithOneLine()
    {
        using var error = new StringWriter();

        var exit = await SandboxCli.RunAsync(["send", "/ping", "--sandbox", "http://127.0.0.1:9"], TextWriter.Null, error, TestContext.Token);

        Assert.Equal(2, exit);
        Assert.StartsWith("Sandbox not reachable at http://127.0.0.1:9/", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("send")]
    [InlineData("send", "/ping", "--option", "novalue")]
    [InlineData("send", "/ping", "--option", "n:widget=1")]
    [InlineData("serve", "--port", "70000")]
    [InlineData("serve", "--shards", "0")]
    [InlineData("frobnicate")]
    public async Task UsageErrors_Exit2(params string[] args)
    {
        var exit = await SandboxCli.RunAsync(args, TextWriter.Null, TextWriter.Null, TestContext.Token);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Serve_PrintsTheBotsSettings_AndStopsOnCancellation()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-serve-");
        try
        {
            using var output = new SynchronizedWriter();
            using var stop = new CancellationTokenSource();
            var keyFile = Path.Combine(directory.FullName, "key");

            var run = SandboxCli.RunAsync(["serve", "--port", "0", "--key-file", keyFile], output, TextWriter.Null, stop.Token);
            for (var i = 0; i < 100 && !output.ToString().Contains("Ctrl+C", StringComparison.Ordinal); i++)
            {
                await Task.Delay(50, TestContext.Token);
            }

            var printed = output.ToString();
            await stop.CancelAsync();
            var exit = await run.WaitAsync(Sandboxes.WaitTimeout, TestContext.Token);

            Assert.Equal(0, exit);
            Assert.Contains("Discord__ApplicationId=100000000000000001", printed, StringComparison.Ordinal);
            Assert.Matches("Discord__PublicKey=[0-9a-f]{64}", printed);
            Assert.Matches(@"Discord__ApiBaseUrl=http://127\.0\.0\.1:\d+/api/v10", printed);
            Assert.Contains("Discord__BotToken=" + SandboxDefaults.BotToken, printed, StringComparison.Ordinal);
            Assert.Matches(@"Gateway: ws://127\.0\.0\.1:\d+/gateway", printed);
            Assert.True(File.Exists(keyFile));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("q=hello", CommandOptionType.String, "hello")]
    [InlineData("n=3", CommandOptionType.Integer, 3L)]
    [InlineData("x=2.5", CommandOptionType.Number, 2.5)]
    [InlineData("b=true", CommandOptionType.Boolean, true)]
    [InlineData("q:string=123", CommandOptionType.String, "123")]
    [InlineData("who:user=42", CommandOptionType.User, "42")]
    [InlineData("text=a=b", CommandOptionType.String, "a=b")]
    public void OptionSyntax_InfersOrTakesTheType(string text, CommandOptionType type, object value)
    {
        Assert.True(CommandOption.TryParse(text, out var option, out _));
        Assert.Equal(type, option!.Type);
        Assert.Equal(value, option.Value);
    }

    /// <summary>The CLI writes from the serve task while the test reads.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }

            return Task.CompletedTask;
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
