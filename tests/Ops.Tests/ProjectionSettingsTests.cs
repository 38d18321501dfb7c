namespace Serverless.Ops.Tests;

/// <summary>
/// <c>projections rebuild</c> paces the refreshes it queues by the app's <c>Projections__*</c>, read as the other
/// settings are (environment over the settings file), and refuses values the bot itself would refuse.
/// </summary>
public sealed class ProjectionSettingsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ops-projections-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task TheSettingsFileAndTheEnvironment_SetTheOptions_TheEnvironmentWinning()
    {
        await File.WriteAllTextAsync(_file, """{"Values":{"Projections__CoalesceWindow":"00:00:05","Projections__PendingGrace":"00:01:00"}}""");
        var environment = new Dictionary<string, string?> { ["Projections__PendingGrace"] = "00:00:45" };

        var options = await OpsSettings.LoadProjectionOptionsAsync(environment, _file, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(5), options.CoalesceWindow);
        Assert.Equal(TimeSpan.FromSeconds(45), options.PendingGrace);
    }

    [Fact]
    public async Task NoSettings_GiveTheDefaults()
    {
        var options = await OpsSettings.LoadProjectionOptionsAsync(new Dictionary<string, string?>(), settingsFile: null, CancellationToken.None);

        Assert.Equal(new Domain.Projections.ProjectionOptions().CoalesceWindow, options.CoalesceWindow);
    }

    [Theory]
    [InlineData("00:05:00", "Projections__CoalesceWindow must be between")]
    [InlineData("soon", "A Projections__ setting is malformed")]
    public async Task AValueTheBotWouldRefuse_IsAUsageError(string window, string message)
    {
        var environment = new Dictionary<string, string?> { ["Projections__CoalesceWindow"] = window };

        var refused = await Assert.ThrowsAsync<OpsUsageException>(() => OpsSettings.LoadProjectionOptionsAsync(environment, settingsFile: null, CancellationToken.None));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
