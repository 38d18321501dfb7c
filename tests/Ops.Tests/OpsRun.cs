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

    public static async Task<OpsRun> RunAsync(TimeProvider timeProvider, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OpsCli.RunAsync(args, environment, output, error, timeProvider);
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

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
