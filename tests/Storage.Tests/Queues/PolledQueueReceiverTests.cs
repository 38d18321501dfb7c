using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Storage.Queues;

namespace Serverless.Storage.Tests.Queues;

/// <summary>The companion's queue trigger against Azurite: the Functions host's queue rules, kept by the adapter.</summary>
public sealed class PolledQueueReceiverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AFreshAccount_HasNoQueue_AndTheFirstReceiveCreatesIt()
    {
        var (receiver, queue, _) = Receiver("fresh");

        Assert.Empty(await receiver.ReceiveOnceAsync(CancellationToken.None));

        Assert.True(await queue.ExistsAsync());
        Assert.True(receiver.IsReachable);
    }

    [Fact]
    public async Task AMessage_IsReceivedWithItsTextIdAndFirstDequeueCount_AndCompletingDeletesIt()
    {
        var (receiver, queue, _) = Receiver("complete");
        var sent = await SendAsync(queue, "hello");

        var message = Assert.Single(await receiver.ReceiveOnceAsync(CancellationToken.None));
        Assert.Equal("hello", message.Text);
        Assert.Equal(sent, message.Id);
        Assert.Equal(1, message.DequeueCount);

        await message.CompleteAsync(CancellationToken.None);
        Assert.Equal(0, await DepthAsync(queue));
    }

    [Fact]
    public async Task PoisoningAMessage_MovesItVerbatim_AndCreatesThePoisonQueue()
    {
        var (receiver, queue, poison) = Receiver("poison");
        await SendAsync(queue, """{"v":9}""");

        var message = Assert.Single(await receiver.ReceiveOnceAsync(CancellationToken.None));
        await message.PoisonAsync(CancellationToken.None);

        Assert.Equal(0, await DepthAsync(queue));
        var parked = Assert.Single((await poison.ReceiveMessagesAsync(maxMessages: 8)).Value);
        Assert.Equal("""{"v":9}""", parked.MessageText);
    }

    [Fact]
    public async Task AnAbandonedMessage_ComesBackAfterTheVisibilityTimeout_ThenIsPoisonedOnItsLastDelivery()
    {
        var (receiver, queue, poison) = Receiver("abandon", maxDequeueCount: 2);
        await SendAsync(queue, "work");

        var first = Assert.Single(await receiver.ReceiveOnceAsync(CancellationToken.None));
        Assert.False(await first.AbandonAsync(CancellationToken.None));

        // Hidden while the visibility timeout runs.
        Assert.Empty(await receiver.ReceiveOnceAsync(CancellationToken.None));
        Assert.Equal(1, await DepthAsync(queue));

        var second = await ReceiveAgainAsync(receiver);
        Assert.Equal("work", second.Text);
        Assert.Equal(2, second.DequeueCount);
        Assert.True(await second.AbandonAsync(CancellationToken.None));

        Assert.Equal(0, await DepthAsync(queue));
        Assert.Equal("work", Assert.Single((await poison.ReceiveMessagesAsync(maxMessages: 8)).Value).MessageText);
    }

    [Fact]
    public async Task Waiting_BacksOffOnTheClock_WhileTheQueueIsEmpty_AndReturnsTheFirstBatch()
    {
        var (receiver, queue, _) = Receiver("wait");
        await queue.CreateIfNotExistsAsync();

        var waiting = receiver.ReceiveAsync(CancellationToken.None);
        await SendAsync(queue, "late");

        // Each empty poll waits on the fake clock: the batch arrives only as time is moved on.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!waiting.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the waiting receiver never returned the message");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.Equal("late", Assert.Single(await waiting).Text);
    }

    [Fact]
    public async Task Waiting_OnAnUnreachableQueue_KeepsPolling_AndReportsItUnreachable()
    {
        // Azurite's account on a port nothing listens on.
        var unreachable = StorageAccount.FromOptions(new StorageOptions { ConnectionString = azurite.Server.ConnectionString.Replace($":{azurite.Server.QueuePort}/", ":9/", StringComparison.Ordinal) });
        var receiver = new PolledQueueReceiver(unreachable, new AzurePoisonQueue(unreachable), "nowhere", Settings(5), _time, NullLogger<PolledQueueReceiver>.Instance);
        using var stop = new CancellationTokenSource();

        var waiting = receiver.ReceiveAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (receiver.IsReachable is not false)
        {
            Assert.True(DateTime.UtcNow < deadline, "the failed poll was never reported");
            await Task.Delay(50);
        }

        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private (PolledQueueReceiver Receiver, QueueClient Queue, QueueClient Poison) Receiver(string name, int maxDequeueCount = 5)
    {
        var queueName = $"receiver-{name}-{Guid.NewGuid():N}"[..40];
        var receiver = new PolledQueueReceiver(azurite.Account, new AzurePoisonQueue(azurite.Account), queueName, Settings(maxDequeueCount), _time, NullLogger<PolledQueueReceiver>.Instance);
        return (receiver, azurite.Account.Queues.GetQueueClient(queueName), azurite.Account.Queues.GetQueueClient(QueueNames.Poison(queueName)));
    }

    private static PolledQueueSettings Settings(int maxDequeueCount) => new()
    {
        BatchSize = 8,
        VisibilityTimeout = TimeSpan.FromSeconds(1),
        MaxDequeueCount = maxDequeueCount,
        MaxPollInterval = TimeSpan.FromSeconds(1),
    };

    private static async Task<string> SendAsync(QueueClient queue, string text)
    {
        await queue.CreateIfNotExistsAsync();
        return (await queue.SendMessageAsync(text)).Value.MessageId;
    }

    private static async Task<int> DepthAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private static async Task<ReceivedWorkMessage> ReceiveAgainAsync(PolledQueueReceiver receiver)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var batch = await receiver.ReceiveOnceAsync(CancellationToken.None);
            if (batch.Count > 0)
            {
                return Assert.Single(batch);
            }

            Assert.True(DateTime.UtcNow < deadline, "the abandoned message never became visible again");
            await Task.Delay(200);
        }
    }
}
