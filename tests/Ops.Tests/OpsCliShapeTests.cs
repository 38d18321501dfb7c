using System.CommandLine;
using System.Diagnostics;

namespace Serverless.Ops.Tests;

/// <summary>The command line's shape: its name, the global options, completions and usage errors; no service is called.</summary>
public sealed class OpsCliShapeTests
{
    private static readonly Dictionary<string, string?> NoSettings = new(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public async Task Help_OfTheBuiltProgram_NamesItBotOps()
    {
        // In-process the executable is the test host, so the name is checked on the program as operators run it.
        var program = Path.Combine(AppContext.BaseDirectory, "bot-ops.dll");
        Assert.True(File.Exists(program), $"{program} is not next to the tests.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("queues");
        start.ArgumentList.Add("--help");
        using var process = Process.Start(start)!;
        var outputRead = process.StandardOutput.ReadToEndAsync();
        var errorRead = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await outputRead;

        Assert.True(process.ExitCode == ExitCodes.Ok, output + await errorRead);
        Assert.Contains("bot-ops queues [command] [options]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Serverless.Ops", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ShowsTheSettingsOptionOnce_OnTheRootAndOnASubcommand()
    {
        var root = await OpsRun.RunAsync(NoSettings, "--help");
        var stats = await OpsRun.RunAsync(NoSettings, "queues", "stats", "--help");

        Assert.Equal(1, Count(root.Output, "--settings <FILE>"));
        Assert.Equal(1, Count(stats.Output, "--settings <FILE>"));
    }

    [Theory]
    [InlineData("--settings", "MISSING", "queues", "stats")]
    [InlineData("queues", "stats", "--settings", "MISSING")]
    [InlineData("--settings", "MISSING", "posts", "list")]
    [InlineData("jobs", "send", "posts", "--json", "{}", "--settings", "MISSING")]
    public async Task Settings_IsAcceptedBeforeAndAfterTheSubcommand_AndRead(params string[] args)
    {
        var missing = Path.Combine(Path.GetTempPath(), $"ops-tests-{Guid.NewGuid():N}.json");

        var run = await OpsRun.RunAsync(NoSettings, [.. args.Select(arg => arg == "MISSING" ? missing : arg)]);

        // Reading the file it names, and failing, proves the option reached the command.
        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith($"Cannot read the settings file {missing}", run.ErrorLines.Single(), StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("queues replay-poison ", new[] { "interactions", "interactions-poison", "posts", "posts-poison", "projections", "projections-poison", "voice", "voice-poison" })]
    [InlineData("queues replay-poison po", new[] { "posts", "posts-poison" })]
    [InlineData("queues poison peek ", new[] { "interactions", "interactions-poison", "posts", "posts-poison", "projections", "projections-poison", "voice", "voice-poison" })]
    [InlineData("queues poison purge vo", new[] { "voice", "voice-poison" })]
    [InlineData("jobs send ", new[] { "interactions", "posts", "projections", "voice" })]
    [InlineData("jobs send v", new[] { "voice" })]
    public void QueueArgument_CompletesFromTheKnownQueues(string line, string[] expected)
    {
        var root = OpsCli.Create(NoSettings, TextWriter.Null, TextWriter.Null, OpsTerminal.None, TimeProvider.System);

        var completions = root.Parse(line).GetCompletions(line.Length)
            .Select(item => item.Label)
            .Where(label => label[0] is not ('-' or '/')) // the options' own names (--help, /?) are not queues
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, completions);
    }

    [Fact]
    public async Task SuggestDirective_TheShellsCompletionHook_PrintsTheMatchingQueues()
    {
        const string line = "queues replay-poison po";

        var run = await OpsRun.RunAsync(NoSettings, $"[suggest:{line.Length}]", line);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(["posts", "posts-poison"], run.OutputLines);
    }

    [Fact]
    public async Task SendToAnUnknownQueue_ExitsTwoListingTheKnownOnes_BeforeReadingSettings()
    {
        var run = await OpsRun.RunAsync(NoSettings, "jobs", "send", "nope", "--json", "{}");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("Unknown queue 'nope': use one of interactions, posts, voice, projections.", run.ErrorLines.Single());
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("--storage-account", "prodbotsa", "queues", "stats")]
    [InlineData("queues", "stats", "--storage-account", "prodbotsa")]
    public async Task StorageAccount_BecomesTheAccountName_OverAConnectionString(params string[] args)
    {
        var settings = Path.Combine(Path.GetTempPath(), $"ops-tests-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, """{ "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true" } }""");
        try
        {
            var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" };
            var root = OpsCli.Create(environment, TextWriter.Null, TextWriter.Null, OpsTerminal.None, TimeProvider.System);
            var parse = root.Parse([.. args, "--settings", settings]);

            OpsOptions.ApplyStorageAccount(parse, root, environment);
            var options = await OpsSettings.LoadStorageOptionsAsync(environment, settings, CancellationToken.None);

            // The account name reaches the options the storage clients are built from, and no key or connection string does.
            Assert.Equal("prodbotsa", options.AccountName);
            Assert.Null(options.ConnectionString);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task StorageAccount_Blank_IsAUsageError()
    {
        var run = await OpsRun.RunAsync(NoSettings, "--storage-account", " ", "queues", "stats");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("--storage-account needs a storage account name.", run.ErrorLines.Single());
    }

    [Fact]
    public async Task RootHelp_NamesTheCredentialChain_JsonOutput_Confirmation_AndExitCodes()
    {
        var run = await OpsRun.RunAsync(NoSettings, "--help");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        foreach (var expected in new[] { "az login", "--storage-account <NAME>", "--output json", "--dry-run", "--yes", ExitCodes.Help })
        {
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("queues", "replay-poison", "posts", "--help")]
    [InlineData("queues", "poison", "purge", "posts", "--help")]
    [InlineData("queues", "poison", "delete", "--help")]
    [InlineData("posts", "cancel", "--help")]
    [InlineData("posts", "requeue", "--help")]
    [InlineData("commands", "deploy", "--help")]
    public async Task DestructiveCommands_OfferDryRunAndYes(params string[] args)
    {
        var run = await OpsRun.RunAsync(NoSettings, args);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("--dry-run", run.Output, StringComparison.Ordinal);
        Assert.Contains("-y, --yes", run.Output, StringComparison.Ordinal);
    }

    private static int Count(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
