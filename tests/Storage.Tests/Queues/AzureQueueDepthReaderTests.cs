using Serverless.Storage.Queues;

namespace Serverless.Storage.Tests.Queues;

/// <summary>The queue depth adapter against Azurite: counts, the oldest message's insertion time, missing queues.</summary>
public sealed class AzureQueueDepthReaderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task AQueueThatDoesNotExist_ReadsAsEmpty_AndIsNotCreated()
    {
        var reader = new AzureQueueDepthReader(azurite.Account);

        var depth = await reader.ReadAsync("never-made", CancellationToken.None);

        Assert.Equal(new("never-made", 0, null), depth);
        Assert.False((await azurite.Account.Queues.GetQueueClient("never-made").ExistsAsync()).Value);
    }

    [Fact]
    public async Task AnEmptyQueue_ReadsAsEmpty()
    {
        await azurite.Account.Queues.GetQueueClient("empty").CreateIfNotExistsAsync();

        var depth = await new AzureQueueDepthReader(azurite.Account).ReadAsync("empty", CancellationToken.None);

        Assert.Equal(0, depth.ApproximateCount);
        Assert.Null(depth.OldestInsertedOn);
    }

    [Fact]
    public async Task AQueueWithMessages_ReadsTheirCount_AndTheOldestOnesInsertionTime()
    {
        var queue = azurite.Account.Queues.GetQueueClient("waiting");
        await queue.CreateIfNotExistsAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var first = await queue.SendMessageAsync("one");
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        await queue.SendMessageAsync("two");
        await queue.SendMessageAsync("three");

        var depth = await new AzureQueueDepthReader(azurite.Account).ReadAsync("waiting", CancellationToken.None);

        Assert.Equal(3, depth.ApproximateCount);
        Assert.Equal(first.Value.InsertionTime, depth.OldestInsertedOn);
        Assert.InRange(depth.OldestInsertedOn!.Value, before, DateTimeOffset.UtcNow.AddSeconds(2));
    }

    [Fact]
    public async Task APoisonedMessageThatIsNotBase64_IsCountedAndPeekedWithoutError()
    {
        // What the host parks in a poison queue is whatever text arrived: the reader must not decode it.
        var queue = azurite.Account.VerbatimQueues.GetQueueClient("odd-poison");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("{not base64 at all!");

        var depth = await new AzureQueueDepthReader(azurite.Account).ReadAsync("odd-poison", CancellationToken.None);

        Assert.Equal(1, depth.ApproximateCount);
        Assert.NotNull(depth.OldestInsertedOn);
    }
}
