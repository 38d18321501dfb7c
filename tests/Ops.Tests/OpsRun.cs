using Serverless.Sandbox.Hosting;
using Serverless.Storage;
using Serverless.TestSupport;

namespace Serverless.Ops.Tests;

/// <summary>One in-process run of the CLI: its exit code and everything it printed.</summary>
internal sealed record OpsRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static Task<OpsRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(TimeProvider.System, environment, args);

    public static Task<OpsRun> RunAsync(TimeProvider timeProvider, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(OpsTerminal.None, timeProvider, environment, args);

    /// <summary>A run at a terminal whose operator types <paramref name="answers"/> (one line each) at the prompts.</summary>
    public static Task<OpsRun> RunAtTerminalAsync(string answers, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(new OpsTerminal(new StringReader(answers), IsInteractive: true), TimeProvider.System, environment, args);

    public static async Task<OpsRun> RunAsync(OpsTerminal terminal, TimeProvider timeProvider, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OpsCli.RunAsync(args, environment, output, error, terminal, timeProvider);
        return new OpsRun(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>A run as the program makes it in a checkout where dev-up has written <paramref name="developmentSettingsFile"/>.</summary>
    public static async Task<OpsRun> RunWithDevelopmentSettingsAsync(string? developmentSettingsFile, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OpsCli.RunAsync(args, environment, output, error, OpsTerminal.None, TimeProvider.System, developmentSettingsFile);
        return new OpsRun(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>The environment that points the CLI at <paramref name="sandbox"/>.</summary>
    public static Dictionary<string, string?> EnvironmentFor(SandboxServer sandbox, string? botToken = null) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Discord__ApplicationId"] = sandbox.ApplicationId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Discord__BotToken"] = botToken ?? sandbox.BotToken,
        ["Discord__ApiBaseUrl"] = sandbox.ApiBaseUrl,
    };

    /// <summary>The environment that points the CLI at <paramref name="azurite"/>'s storage.</summary>
    public static Dictionary<string, string?> EnvironmentFor(AzuriteServer azurite) => new(StringComparer.OrdinalIgnoreCase)
    {
        [StorageAccount.SettingName] = azurite.ConnectionString,
    };

    /// <summary>Standard output as the one JSON document <c>--output json</c> promises (parsing fails on anything else).</summary>
    public System.Text.Json.JsonElement Json()
    {
        using var document = System.Text.Json.JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
