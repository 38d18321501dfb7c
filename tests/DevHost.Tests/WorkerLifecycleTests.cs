using System.Diagnostics;
using System.Net;
using Serverless.DevHost.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Serverless.DevHost.Tests;

/// <summary>The worker's life under the DevHost: the timer on a fake clock, a crash and the restart, and stop.</summary>
public sealed class WorkerLifecycleTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Timer_OnSchedule_ThenCrash_Restart_AndStop_TerminatesTheWorker()
    {
        var clock = new ObservableTimeProvider(Start);
        await using var worker = await TestWorkerHost.StartAsync(clock, output);

        // The hourly timer fires at 09:00 on the fake clock, with the status the host starts from.
        await clock.WaitForTimerAsync(due => due == TimeSpan.FromMinutes(30));
        clock.Advance(TimeSpan.FromMinutes(30));
        var record = await worker.WaitForNewRecordAsync("timer-", []);
        Assert.False(record.GetProperty("IsPastDue").GetBoolean());
        Assert.True(record.GetProperty("HasScheduleStatus").GetBoolean());
        Assert.Equal(new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc), record.GetProperty("Next").GetDateTime().ToUniversalTime());
        Assert.Equal(DateTime.MinValue, record.GetProperty("Last").GetDateTime());

        // A function that ends the process: the DevHost says why, starts a new worker, and it serves again.
        var firstPid = worker.Host.WorkerProcessId!.Value;
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Host.WorkerRestarted += (_, _) => restarted.TrySetResult();
        using var client = new HttpClient { BaseAddress = new Uri(worker.Host.BaseUrl) };
        using (var crash = await client.PostAsync("/api/crash", null))
        {
            Assert.Equal(HttpStatusCode.BadGateway, crash.StatusCode);
        }

        var died = await worker.WaitForLogAsync(line => line.Contains($"The worker (pid {firstPid}) died", StringComparison.Ordinal));
        Assert.Contains("exit code 42; last output: test worker: exiting with code 42 on request", died, StringComparison.Ordinal);
        await restarted.Task.WaitAsync(TestTimeouts.Signal);
        Assert.Equal(1, worker.Host.WorkerRestartCount);
        var secondPid = worker.Host.WorkerProcessId!.Value;
        Assert.NotEqual(firstPid, secondPid);
        using (var echo = await client.PostAsync("/api/echo/again", new ByteArrayContent([42])))
        {
            Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
            Assert.Equal([42], await echo.Content.ReadAsByteArrayAsync());
        }

        // Stop: WorkerTerminate, and the process is gone when StopAsync returns.
        await worker.Host.StopAsync();
        Assert.True(HasExited(secondPid));
    }

    private static bool HasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
