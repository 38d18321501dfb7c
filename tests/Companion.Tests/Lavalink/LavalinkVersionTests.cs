using Serverless.Companion.Lavalink;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Tests.Lavalink;

public sealed class LavalinkVersionTests
{
    [Theory]
    [InlineData("4.2.0", true)]
    [InlineData("4.2.2", true)]
    [InlineData("4.10.0", true)]
    [InlineData("5.0.0", true)]
    [InlineData("v4.2.2", true)]
    [InlineData("4.2.2+abc123", true)]
    [InlineData("4.2.1-SNAPSHOT", true)]
    [InlineData("4.1.2", false)]
    [InlineData("4.0.8", false)]
    [InlineData("3.7.13", false)]
    [InlineData("4.2.0-rc.1", false)]
    [InlineData("4.2.0-beta", false)]
    public void Evaluate_RefusesOnlyVersionsOlderThan420(string version, bool supported)
    {
        var check = LavalinkVersionCheck.Evaluate(version);

        Assert.Equal(supported, check.Supported);
        Assert.Equal(version, check.VersionText);
    }

    [Fact]
    public void Evaluate_TooOld_ExplainsDave()
    {
        var check = LavalinkVersionCheck.Evaluate("4.1.2");

        Assert.StartsWith("Lavalink 4.1.2 is too old: 4.2.0 or newer is required since Discord requires end-to-end encrypted voice (DAVE)", check.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a1b2c3d-SNAPSHOT")]
    [InlineData("4.2")]
    [InlineData("")]
    [InlineData(null)]
    public void Evaluate_NotSemver_IsLetThroughWithAWarning(string? version)
    {
        var check = LavalinkVersionCheck.Evaluate(version);

        Assert.True(check.Supported);
        Assert.NotNull(check.Problem);
    }

    [Fact]
    public void PreReleases_SortBySemverRules()
    {
        string[] ordered = ["4.2.0-alpha", "4.2.0-alpha.1", "4.2.0-alpha.beta", "4.2.0-beta.2", "4.2.0-beta.11", "4.2.0-rc.1", "4.2.0", "4.2.1"];
        var parsed = ordered.Select(text => Assert.IsType<LavalinkVersion>(LavalinkVersion.TryParse(text, out var v) ? v : null)).ToList();

        for (var i = 1; i < parsed.Count; i++)
        {
            Assert.True(parsed[i - 1] < parsed[i], $"{ordered[i - 1]} < {ordered[i]}");
        }
    }
}

public sealed class LavalinkVersionGateTests : IAsyncLifetime
{
    private FakeLavalinkServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeLavalinkServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Server412_IsRefused_ReportedUnsupported_AndNeverConnected()
    {
        _server.Version = "4.1.2";
        await using var harness = LavalinkHarness.For(_server);

        harness.Start();
        var wait = await harness.NextReconnectDelayAsync();

        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        Assert.Equal(0, _server.HandshakeAttempts);
        var health = harness.Client.Health;
        Assert.Equal((LavalinkStates.Unsupported, "4.1.2"), (health.State, health.Version));
        Assert.Contains("4.1.2 is too old", health.LastError, StringComparison.Ordinal);
        var exception = await Assert.ThrowsAsync<LavalinkUnavailableException>(() => harness.Client.LoadTracksAsync("x", CancellationToken.None));
        Assert.Contains("DAVE", exception.Message, StringComparison.Ordinal);
        Assert.Contains(harness.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("4.1.2 is too old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnsupportedServer_IsCheckedAgain_AndUsedOnceUpgraded()
    {
        _server.Version = "4.1.2";
        await using var harness = LavalinkHarness.For(_server);
        harness.Start();
        var wait = await harness.NextReconnectDelayAsync();

        _server.Version = "4.2.2";
        harness.Time.Advance(wait);

        var connection = await _server.NextConnectionAsync();
        await connection.SendReadyAsync("s");
        await LavalinkHarness.NextAsync(harness.Handler.Ready);
        Assert.Equal((LavalinkStates.Ok, "4.2.2"), (harness.Client.Health.State, harness.Client.Health.Version));
    }

    [Theory]
    [InlineData("4.2.0")]
    [InlineData("4.2.2")]
    public async Task SupportedServer_IsUsed(string version)
    {
        _server.Version = version;
        await using var harness = LavalinkHarness.For(_server);

        await harness.StartReadyAsync(_server);

        Assert.True(harness.Client.IsAvailable);
        Assert.Equal(version, harness.Client.Health.Version);
        Assert.True((await harness.Client.GetVersionAsync(CancellationToken.None)).Supported);
    }
}
