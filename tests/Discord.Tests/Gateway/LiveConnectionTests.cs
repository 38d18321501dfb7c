using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Gateway;

namespace Serverless.Discord.Tests.Gateway;

public sealed class LiveConnectionTests
{
    [Fact]
    public async Task Track_ForgetsFinishedTasks_SoALongConnectionHoldsOnlyWorkInFlightAndFaults()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var connection = new ScriptedGatewayConnection(new Uri("wss://gateway.test/"), time, Channel.CreateUnbounded<SentPayload>().Writer);
        using var live = new LiveConnection(connection, new GatewaySendLimiter(time), time);
        var stillRunning = new TaskCompletionSource();
        live.Track(stillRunning.Task);
        live.Track(Task.FromException(new InvalidOperationException("fault to report")));

        // One task per op 1 over a long session: each finishes at once.
        for (var i = 0; i < 10_000; i++)
        {
            live.Track(Task.CompletedTask);
        }

        Assert.InRange(live.TrackedTaskCount, 2, 3);

        var reported = new List<Exception>();
        stillRunning.SetResult();
        await live.ObserveBackgroundTasksAsync(reported.Add);
        Assert.Equal("fault to report", Assert.Single(reported).Message);
    }
}
