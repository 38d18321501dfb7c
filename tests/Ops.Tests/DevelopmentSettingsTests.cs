using System.Text.Json;
using Serverless.Sandbox.Hosting;

namespace Serverless.Ops.Tests;

/// <summary>
/// Where a run's settings come from when dev-up runs: <c>--settings</c>, then the environment, then the local stack's
/// <c>.dev/settings.json</c>; the lookup of that file in a checkout; and the announcement on standard error.
/// </summary>
public sealed class DevelopmentSettingsTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> NoSettings = new(StringComparer.OrdinalIgnoreCase);

    private readonly string _checkout = Path.Combine(Path.GetTempPath(), $"ops-checkout-{Guid.NewGuid():N}");
    private SandboxServer _sandbox = null!;

    private string DevelopmentFile => Path.Combine(_checkout, ".dev", "settings.json");

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        Directory.CreateDirectory(Path.Combine(_checkout, "src", "Ops"));
        Directory.CreateDirectory(Path.Combine(_checkout, ".dev"));
        await File.WriteAllTextAsync(Path.Combine(_checkout, "Serverless.sln"), "");
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Directory.Delete(_checkout, recursive: true);
    }

    /// <summary>Writes the development settings file as dev-up does: local.settings.json's shape, the Sandbox's credentials.</summary>
    private Task WriteDevelopmentSettingsAsync(string botToken) =>
        File.WriteAllTextAsync(DevelopmentFile, JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = new Dictionary<string, string?>(OpsRun.EnvironmentFor(_sandbox, botToken)),
        }));

    [Fact]
    public async Task Find_FromASubdirectoryOfTheCheckout_ReturnsTheFileAtItsRoot()
    {
        await WriteDevelopmentSettingsAsync(_sandbox.BotToken);

        Assert.Equal(DevelopmentFile, DevelopmentSettings.Find(Path.Combine(_checkout, "src", "Ops")));
        Assert.Equal(DevelopmentFile, DevelopmentSettings.Find(_checkout));
    }

    [Fact]
    public void Find_WhenDevUpIsNotRunning_ReturnsNull()
    {
        Assert.Null(DevelopmentSettings.Find(Path.Combine(_checkout, "src", "Ops")));
    }

    [Fact]
    public async Task Find_OutsideACheckout_IgnoresADevFolder()
    {
        var elsewhere = Path.Combine(_checkout, "elsewhere");
        Directory.CreateDirectory(Path.Combine(elsewhere, ".dev"));
        await File.WriteAllTextAsync(Path.Combine(elsewhere, ".dev", "settings.json"), "{}");

        // Its own .dev is not a checkout's; the checkout above it has none.
        Assert.Null(DevelopmentSettings.Find(elsewhere));
    }

    [Fact]
    public async Task WithNoFlagAndNoEnvironment_TheLocalStacksFileIsUsed_AndAnnouncedOnce()
    {
        await WriteDevelopmentSettingsAsync(_sandbox.BotToken);

        var run = await OpsRun.RunWithDevelopmentSettingsAsync(DevelopmentFile, NoSettings, "token", "verify");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var announcement = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Using the local stack's settings from {DevelopmentFile}", announcement, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.BotToken, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains(_sandbox.Calls, call => call.Path == "/users/@me" && call.StatusCode == 200);
    }

    [Fact]
    public async Task AnExplicitSettingsFile_WinsOverTheLocalStacksFile()
    {
        await WriteDevelopmentSettingsAsync(_sandbox.BotToken);
        var explicitFile = Path.Combine(_checkout, "production.settings.json");
        await File.WriteAllTextAsync(explicitFile, """{ "Values": { "Discord__ApplicationId": "123" } }""");

        var run = await OpsRun.RunWithDevelopmentSettingsAsync(DevelopmentFile, NoSettings, "token", "verify", "--settings", explicitFile);

        // The token is in the development file only: its absence proves that file was not read.
        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Contains("Discord__BotToken", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("local stack", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Calls, call => call.Path == "/users/@me");
    }

    [Theory]
    [InlineData("Discord__BotToken")]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("AzureWebJobsStorage__accountName")]
    public async Task ASettingInTheEnvironment_KeepsTheLocalStacksFileOut_EvenForTheSettingsItLacks(string variable)
    {
        await WriteDevelopmentSettingsAsync(_sandbox.BotToken);
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [variable] = "production-value" };

        var run = await OpsRun.RunWithDevelopmentSettingsAsync(DevelopmentFile, environment, "token", "verify");

        // A production token must never be sent to the local Sandbox (nor a local one mixed with production's storage).
        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Contains("Discord__ApplicationId", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("local stack", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Calls, call => call.Path == "/users/@me");
    }

    [Fact]
    public async Task StorageAccountOption_KeepsTheLocalStacksFileOut()
    {
        await WriteDevelopmentSettingsAsync(_sandbox.BotToken);

        var run = await OpsRun.RunWithDevelopmentSettingsAsync(DevelopmentFile, NoSettings, "token", "verify", "--storage-account", "prodaccount");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.DoesNotContain("local stack", run.Error, StringComparison.Ordinal);
    }
}
