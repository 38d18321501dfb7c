using Serverless.DevHost.Queues;
using Serverless.DevHost.Tests.Support;
using Serverless.TestSupport;
using Xunit;

namespace Serverless.DevHost.Tests;

/// <summary>
/// The rules both transports must follow, so the in-memory one is a fair stand-in for Azure Storage in the trigger
/// tests. The Azure run uses a private Azurite.
/// </summary>
public sealed class QueueTransportTests
{
    [Fact]
    public Task InMemoryTransport_FollowsTheQueueRules() =>
        AssertQueueRulesAsync(new InMemoryQueueTransport(new ObservableTimeProvider(DateTimeOffset.UnixEpoch)));

    [Fact]
    public async Task AzureTransport_FollowsTheQueueRules()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await AssertQueueRulesAsync(new AzureQueueTransport(azurite.ConnectionString));
    }

    private static async Task AssertQueueRulesAsync(IQueueTransport transport)
    {
        var queue = "devhost-test-" + Guid.NewGuid().ToString("N")[..12];
        var ct = CancellationToken.None;
        await transport.CreateQueueIfNotExistsAsync(queue, ct);
        await transport.CreateQueueIfNotExistsAsync(queue, ct);
        await transport.SendMessageAsync(queue, "first", ct);
        await transport.SendMessageAsync(queue, "eyJzZWNvbmQiOnRydWV9", ct);

        // A received message is hidden: the next receive gets the other one.
        var first = Assert.Single(await transport.ReceiveMessagesAsync(queue, 1, TimeSpan.FromMinutes(1), ct));
        Assert.Equal(("first", 1L), (first.MessageText, first.DequeueCount));
        var second = Assert.Single(await transport.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(1), ct));
        Assert.Equal("eyJzZWNvbmQiOnRydWV9", second.MessageText);
        Assert.Empty(await transport.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(1), ct));

        // Made visible again, it comes back with a higher dequeue count and a new receipt.
        await transport.UpdateVisibilityAsync(first, TimeSpan.Zero, ct);
        var again = Assert.Single(await transport.ReceiveMessagesAsync(queue, 32, TimeSpan.FromMinutes(1), ct));
        Assert.Equal((first.MessageId, "first", 2L), (again.MessageId, again.MessageText, again.DequeueCount));
        Assert.NotEqual(first.PopReceipt, again.PopReceipt);
        Assert.NotNull(again.InsertedOn);
        Assert.NotNull(again.ExpiresOn);
        Assert.NotNull(again.NextVisibleOn);

        // Only the latest receipt deletes it.
        await Assert.ThrowsAnyAsync<Exception>(() => transport.DeleteMessageAsync(first, ct));
        await transport.DeleteMessageAsync(again, ct);
        await transport.DeleteMessageAsync(second, ct);
        Assert.Empty(await transport.ReceiveMessagesAsync(queue, 32, TimeSpan.FromSeconds(1), ct));
    }
}
