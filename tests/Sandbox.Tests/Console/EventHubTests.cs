using Serverless.Sandbox.Events;

namespace Serverless.Sandbox.Tests.Console;

public sealed class EventHubTests
{
    [Fact]
    public void ASubscriberThatDoesNotRead_NeverBlocksPublishing_AndIsCutOffToReplayLater()
    {
        var hub = new SandboxEventHub();
        using var slow = hub.Subscribe(afterId: null);

        for (var i = 0; i < 3 * SandboxEventHub.ReplayCapacity; i++)
        {
            hub.Publish("call", "{}");
        }

        var received = 0;
        while (slow.Reader.TryRead(out _))
        {
            received++;
        }

        Assert.True(slow.Reader.Completion.IsCompleted);
        Assert.InRange(received, 1, SandboxEventHub.ReplayCapacity);
        using var resumed = hub.Subscribe(afterId: received);
        Assert.Equal(SandboxEventHub.ReplayCapacity, resumed.Replay.Count);
        Assert.Equal(3 * SandboxEventHub.ReplayCapacity, resumed.Replay[^1].Id);
    }

    [Fact]
    public void Replay_GivesOnlyEventsAfterTheId_AndALiveSubscriberGetsNewOnes()
    {
        var hub = new SandboxEventHub();
        hub.Publish("message", "1");
        hub.Publish("message", "2");

        using var subscription = hub.Subscribe(afterId: 1);
        hub.Publish("member", "3");

        Assert.Equal(["2"], subscription.Replay.Select(item => item.Data).ToArray());
        Assert.True(subscription.Reader.TryRead(out var live));
        Assert.Equal((3L, "member", "3"), (live.Id, live.Type, live.Data));
    }
}
