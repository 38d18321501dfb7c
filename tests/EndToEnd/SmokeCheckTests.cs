using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Ops;
using Serverless.Storage;
using Serverless.Storage.Queues;

namespace Serverless.EndToEnd.Tests;

/// <summary><c>bot-ops smoke</c> against the local stack: Azurite, the Sandbox's Discord, and the DevHost with the worker.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SmokeCheckTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    [Fact]
    public async Task HealthyStack_PassesEveryStep_AndExitsZero()
    {
        await SmokeRun.DeployAsync(bot);

        var run = await SmokeRun.RunAsync(bot);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(4, run.Lines.Count(line => line.StartsWith("PASS ", StringComparison.Ordinal)));
        Assert.Contains(run.Lines, line => line.StartsWith("PASS healthz 200 ", StringComparison.Ordinal));
        Assert.Contains("PASS signature bad signature 401, no signature 401 (", run.Output, StringComparison.Ordinal);
        Assert.Contains(run.Lines, line => line.StartsWith("PASS drift none: ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.StartsWith("PASS queue probe ", StringComparison.Ordinal) && line.Contains("drained from interactions", StringComparison.Ordinal));
        Assert.Equal("Smoke check passed: 4 steps.", run.Lines[^1]);

        // The worker acknowledged the probe rather than failing it: nothing waits in the poison queue.
        Assert.Empty(await bot.PeekAsync(QueueNames.Interactions + QueueNames.PoisonSuffix));
    }

    [Fact]
    public async Task ChangedCommandOnDiscord_FailsTheDriftStep_NamingIt()
    {
        var manifest = JsonNode.Parse(await SmokeRun.CliOutputAsync(bot, "commands", "export"))!.AsArray();
        manifest.Single(command => (string?)command!["name"] == "ping")!["description"] = "An older description";
        var file = Path.Combine(Path.GetTempPath(), $"smoke-drift-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, manifest.ToJsonString());
        try
        {
            await SmokeRun.CliOutputAsync(bot, "commands", "deploy", "--yes", "--manifest", file);

            var run = await SmokeRun.RunAsync(bot);

            Assert.True(run.ExitCode == ExitCodes.SmokeFailed, run.ToString());
            Assert.Contains(run.Lines, line => line.StartsWith("FAIL drift 1 command(s) differ from the manifest: ping;", StringComparison.Ordinal));
            Assert.Contains(run.Lines, line => line.StartsWith("~ changed ping: description \"An older description\" -> ", StringComparison.Ordinal));
            Assert.Contains(run.Lines, line => line.StartsWith("PASS queue ", StringComparison.Ordinal));
            Assert.Equal("Smoke check failed: drift.", run.Lines[^1]);
        }
        finally
        {
            File.Delete(file);
            await SmokeRun.DeployAsync(bot);
        }
    }
}

/// <summary>An environment of its own, because its test stops the Sandbox for good.</summary>
public sealed class DiscordDownBotEnvironment : BotEnvironment;

[Collection(EndToEndCollection.Name)]
public sealed class SmokeCheckDiscordDownTests(DiscordDownBotEnvironment bot) : IClassFixture<DiscordDownBotEnvironment>
{
    [Fact]
    public async Task DiscordUnreachable_FailsTheDriftStep_WithAClearLine()
    {
        var environment = SmokeRun.EnvironmentFor(bot);
        await bot.Discord.DisposeAsync();

        var run = await SmokeRun.RunAsync(bot, environment);

        Assert.True(run.ExitCode == ExitCodes.SmokeFailed, run.ToString());
        Assert.Contains(run.Lines, line => line.StartsWith("FAIL drift unreachable: ", StringComparison.Ordinal));

        // Without Discord the bot still answers (degraded), refuses bad signatures and drains its queue.
        Assert.Contains(run.Lines, line => line.StartsWith("PASS healthz 200 degraded", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.StartsWith("PASS signature ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.StartsWith("PASS queue ", StringComparison.Ordinal));
        Assert.Equal("Smoke check failed: drift.", run.Lines[^1]);
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class SmokeCheckStorageDownTests(OutageBotEnvironment bot) : IClassFixture<OutageBotEnvironment>
{
    [Fact]
    public async Task StorageDown_FailsHealthAndTheQueueStep_WithClearLines()
    {
        await SmokeRun.DeployAsync(bot);
        await bot.Azurite.StopAsync();
        SmokeRun run;
        try
        {
            run = await SmokeRun.RunAsync(bot, extra: ["--function-key", bot.HostKey]);
        }
        finally
        {
            await bot.Azurite.StartAgainAsync();
        }

        Assert.True(run.ExitCode == ExitCodes.SmokeFailed, run.ToString());
        Assert.Contains(run.Lines, line => line.StartsWith("FAIL healthz 503 fail: storage unreachable", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.StartsWith("FAIL queue storage unreachable: ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, line => line.StartsWith("PASS drift ", StringComparison.Ordinal));
        Assert.Equal("Smoke check failed: healthz, queue.", run.Lines[^1]);
    }
}

/// <summary>One in-process run of <c>bot-ops</c> against a <see cref="BotEnvironment"/>.</summary>
internal sealed record SmokeRun(int ExitCode, string Output, string Error)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static Dictionary<string, string?> EnvironmentFor(BotEnvironment bot) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Discord__ApplicationId"] = bot.Discord.ApplicationId.ToString(CultureInfo.InvariantCulture),
        ["Discord__BotToken"] = bot.Discord.BotToken,
        ["Discord__ApiBaseUrl"] = bot.Discord.ApiBaseUrl,
        [StorageAccount.SettingName] = bot.Azurite.ConnectionString,
    };

    public static Task<SmokeRun> RunAsync(BotEnvironment bot, IReadOnlyDictionary<string, string?>? environment = null, string[]? extra = null) =>
        RunCliAsync(environment ?? EnvironmentFor(bot), ["smoke", "--url", bot.Host.BaseUrl, "--timeout", "30", .. extra ?? []]);

    /// <summary>Deploys the manifest in code to the Sandbox's global commands, as the postdeploy hook does.</summary>
    public static Task DeployAsync(BotEnvironment bot) => CliOutputAsync(bot, "commands", "deploy", "--yes");

    public static async Task<string> CliOutputAsync(BotEnvironment bot, params string[] args)
    {
        var run = await RunCliAsync(EnvironmentFor(bot), args);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        return run.Output;
    }

    private static async Task<SmokeRun> RunCliAsync(IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OpsCli.RunAsync(args, environment, output, error, TimeProvider.System);
        return new SmokeRun(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
