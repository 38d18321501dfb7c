using Microsoft.Extensions.Time.Testing;
using Serverless.Sandbox.Hosting;

namespace Serverless.Ops.Tests;

/// <summary>
/// <c>commands</c> runs against the Sandbox's rate limits on a fake clock, with storage configured: every run is a
/// new process, so only the shared <c>ratelimits</c> table can tell a run what the runs before it spent.
/// </summary>
public sealed class CommandsRateLimitTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private SandboxServer _sandbox = null!;

    // Two bulk overwrites per ten seconds, like Discord's tight limit on that route.
    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions
    {
        TimeProvider = _clock,
        RateLimits = new SandboxRateLimitOptions { Default = new RouteRateLimit(2, TimeSpan.FromSeconds(10)) },
    });

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task DeploysInARow_WithStorageConfigured_ShareTheBotsRateLimitState_AndNever429()
    {
        var environment = OpsRun.EnvironmentFor(_sandbox);
        foreach (var (key, value) in OpsRun.EnvironmentFor(azurite.Server))
        {
            environment[key] = value;
        }

        // Real storage and HTTP calls take real milliseconds while the fake clock is moved on (100 ms per 5 ms): no
        // fake-time store or attempt timeout, or a slow machine's PUT times out in fake time and is sent again.
        environment["Discord__RateLimits__StoreTimeout"] = "01:00:00";
        environment["Discord__RateLimits__AttemptTimeout"] = "01:00:00";

        for (var run = 1; run <= 3; run++)
        {
            var deploy = await DriveAsync(OpsRun.RunAsync(_clock, environment, "commands", "deploy", "--yes"));
            Assert.True(deploy.ExitCode == ExitCodes.Ok, $"run {run}: {deploy}");
        }

        var overwrites = _sandbox.Calls.Where(call => call.Method == "PUT" && call.StatusCode == 200).ToList();
        Assert.Equal(0, _sandbox.Calls.Count(call => call.StatusCode == 429));
        Assert.Equal(3, overwrites.Count);

        // The third waited for the window the first two spent.
        Assert.True(overwrites[2].At - overwrites[0].At >= TimeSpan.FromSeconds(10), $"third overwrite {(overwrites[2].At - overwrites[0].At).TotalSeconds} s after the first");
    }

    [Fact]
    public async Task Deploy_WithAnInvalidRateLimitSetting_StopsNamingIt()
    {
        var environment = OpsRun.EnvironmentFor(_sandbox);
        environment["Discord__RateLimits__ExpectedInstances"] = "0";

        var deploy = await OpsRun.RunAsync(_clock, environment, "commands", "deploy", "--yes");

        Assert.True(deploy.ExitCode == ExitCodes.UsageOrConfiguration, deploy.ToString());
        Assert.Contains("Discord__RateLimits__ExpectedInstances must be at least 1", deploy.Error, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Calls);
    }

    /// <summary>Moves the fake clock in small steps until <paramref name="run"/> ends: only the fake clock decides waits.</summary>
    private async Task<OpsRun> DriveAsync(Task<OpsRun> run)
    {
        for (var step = 0; step < 4_000 && !run.IsCompleted; step++)
        {
            await Task.WhenAny(run, Task.Delay(5));
            if (!run.IsCompleted)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        return await run;
    }
}
