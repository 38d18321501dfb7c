using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Tests.Support;
using Xunit;

namespace Serverless.DevHost.Tests;

/// <summary>The queue trigger's rules, on the in-memory queue and a fake clock.</summary>
public sealed class QueueListenerTests
{
    private const string Queue = "work";
    private const string Poison = "work-poison";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Message_HandledSuccessfully_IsDeleted()
    {
        await using var harness = await Harness.StartAsync(FakeInvoker.Succeeding(), message: """{"v":1,"kind":"ping"}""");

        await harness.Invoker.WaitForCallsAsync(1);
        await harness.Transport.WaitUntilAsync(queues => queues.GetMessages(Queue).Count == 0, CancellationToken.None);

        var call = Assert.Single(harness.Invoker.Calls);
        Assert.Equal("worker", call.FunctionName);
        Assert.Equal("message", call.Input.InputData[0].Name);
        Assert.Equal("""{"v":1,"kind":"ping"}""", call.Trigger.String);
        Assert.Equal("""{"v":1,"kind":"ping"}""", call.Metadata("QueueTrigger").String);
        Assert.Equal("1", call.Metadata("DequeueCount").Json);
        Assert.Equal("ping", call.Metadata("kind").String);
        Assert.False(call.Input.TriggerMetadata.ContainsKey("sys"));
        Assert.False(harness.Transport.QueueExists(Poison));
    }

    [Fact]
    public async Task Message_ThatAlwaysFails_IsTriedMaxDequeueCountTimes_NeverBeforeVisibilityTimeout_ThenMovedToPoison()
    {
        var options = new QueueTriggerOptions { MaxDequeueCount = 3, VisibilityTimeout = TimeSpan.FromSeconds(30), MaxPollingInterval = TimeSpan.FromSeconds(2) };
        await using var harness = await Harness.StartAsync(FakeInvoker.Failing(), options, message: "doomed");

        // Try 1 at once; then the message is hidden for 30 s.
        await harness.Invoker.WaitForCallsAsync(1);
        var firstDelay = await harness.WaitForNextPollAsync();
        var hidden = Assert.Single(harness.Transport.GetMessages(Queue));
        Assert.Equal(Start + TimeSpan.FromSeconds(30), hidden.NextVisibleOn);
        harness.Clock.Advance(firstDelay);

        // Try 2 only once 30 s have passed, try 3 another 30 s later.
        await harness.PollUntilAsync(() => harness.Invoker.Calls.Count == 2);
        await harness.PollUntilAsync(() => harness.Invoker.Calls.Count == 3);

        var tries = harness.Invoker.Calls.Select(call => call.At!.Value).ToList();
        Assert.Equal(Start, tries[0]);
        Assert.InRange(tries[1] - tries[0], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(32));
        Assert.InRange(tries[2] - tries[1], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(32));
        Assert.Equal(["1", "2", "3"], harness.Invoker.Calls.Select(call => call.Metadata("DequeueCount").Json));

        // Then it sits in the poison queue with the same stored (encoded) text, and is not tried again.
        Assert.Empty(harness.Transport.GetMessages(Queue));
        var poisoned = Assert.Single(harness.Transport.GetMessages(Poison));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("doomed")), poisoned.MessageText);
        await harness.PollUntilAsync(() => harness.Clock.GetUtcNow() > tries[2] + TimeSpan.FromMinutes(2));
        Assert.Equal(3, harness.Invoker.Calls.Count);
    }

    [Fact]
    public async Task Message_WithZeroVisibilityTimeout_IsRetriedAtOnce()
    {
        var options = new QueueTriggerOptions { MaxDequeueCount = 2, VisibilityTimeout = TimeSpan.Zero };
        await using var harness = await Harness.StartAsync(FakeInvoker.Failing(), options, message: "doomed");

        await harness.Invoker.WaitForCallsAsync(2);
        await harness.Transport.WaitUntilAsync(queues => queues.GetMessages(Poison).Count == 1, CancellationToken.None);

        Assert.All(harness.Invoker.Calls, call => Assert.Equal(Start, call.At));
        Assert.Empty(harness.Transport.GetMessages(Queue));
    }

    [Fact]
    public async Task Message_AlreadyDequeuedMoreThanMaxDequeueCount_GoesToPoisonWithoutAnInvocation()
    {
        // A message whose earlier tries were cut short (a crash) comes back with a high dequeue count.
        var clock = new ObservableTimeProvider(Start);
        var transport = new InMemoryQueueTransport(clock);
        await transport.CreateQueueIfNotExistsAsync(Queue, CancellationToken.None);
        await transport.SendMessageAsync(Queue, Base64("interrupted"), CancellationToken.None);
        for (var i = 0; i < 2; i++)
        {
            await transport.ReceiveMessagesAsync(Queue, 1, TimeSpan.FromSeconds(1), CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await using var harness = await Harness.StartAsync(FakeInvoker.Succeeding(), new QueueTriggerOptions { MaxDequeueCount = 2 }, clock: clock, transport: transport);
        await transport.WaitUntilAsync(queues => queues.GetMessages(Poison).Count == 1, CancellationToken.None);

        Assert.Empty(harness.Invoker.Calls);
        Assert.Empty(transport.GetMessages(Queue));
    }

    [Fact]
    public async Task EmptyQueue_PollingBacksOffExponentiallyToMaxPollingInterval_AndAMessageResetsIt()
    {
        var options = new QueueTriggerOptions { MaxPollingInterval = TimeSpan.FromSeconds(2) };
        await using var harness = await Harness.StartAsync(FakeInvoker.Succeeding(), options);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            delays.Add(await harness.AdvanceToNextPollAsync());
        }

        int[] expectedMs = [100, 200, 400, 800, 1600, 2000, 2000, 2000];
        Assert.Equal(expectedMs.Select(ms => TimeSpan.FromMilliseconds(ms)), delays);
        Assert.Equal(9, harness.Transport.GetReceiveCount(Queue));

        await harness.Transport.SendMessageAsync(Queue, Base64("wake up"), CancellationToken.None);
        await harness.AdvanceToNextPollAsync();
        await harness.Invoker.WaitForCallsAsync(1);
        Assert.Equal(TimeSpan.FromMilliseconds(100), await harness.WaitForNextPollAsync());
    }

    [Fact]
    public async Task Base64Encoding_DecodesTheStoredText()
    {
        await using var harness = await Harness.StartAsync(FakeInvoker.Succeeding(), message: "héllo");

        await harness.Invoker.WaitForCallsAsync(1);

        Assert.Equal("héllo", harness.Invoker.Calls[0].Trigger.String);
    }

    [Fact]
    public async Task NoneEncoding_PassesTheStoredTextAsItIs()
    {
        var clock = new ObservableTimeProvider(Start);
        var transport = new InMemoryQueueTransport(clock);
        await transport.CreateQueueIfNotExistsAsync(Queue, CancellationToken.None);
        await transport.SendMessageAsync(Queue, """{"plain":true}""", CancellationToken.None);

        await using var harness = await Harness.StartAsync(
            FakeInvoker.Succeeding(), new QueueTriggerOptions { MessageEncoding = QueueMessageEncoding.None }, clock: clock, transport: transport);
        await harness.Invoker.WaitForCallsAsync(1);

        var call = harness.Invoker.Calls[0];
        Assert.Equal("""{"plain":true}""", call.Trigger.String);
        Assert.Equal("True", call.Metadata("plain").String);
    }

    [Fact]
    public async Task Base64Encoding_MessageThatIsNotBase64_FailsWithoutAnInvocation_AndEndsInPoison()
    {
        var clock = new ObservableTimeProvider(Start);
        var transport = new InMemoryQueueTransport(clock);
        await transport.CreateQueueIfNotExistsAsync(Queue, CancellationToken.None);
        await transport.SendMessageAsync(Queue, """{"sent":"without base64"}""", CancellationToken.None);

        await using var harness = await Harness.StartAsync(
            FakeInvoker.Succeeding(), new QueueTriggerOptions { MaxDequeueCount = 2 }, clock: clock, transport: transport);
        await transport.WaitUntilAsync(queues => queues.GetMessages(Poison).Count == 1, CancellationToken.None);

        Assert.Empty(harness.Invoker.Calls);
        Assert.Equal("""{"sent":"without base64"}""", transport.GetMessages(Poison)[0].MessageText);
    }

    [Fact]
    public async Task Batch_IsProcessedInParallelUpToBatchSize_AndTheNextBatchWaitsForNewBatchThreshold()
    {
        var release = new TaskCompletionSource<InvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new FakeInvoker(_ => release.Task);
        var clock = new ObservableTimeProvider(Start);
        var transport = new InMemoryQueueTransport(clock);
        await transport.CreateQueueIfNotExistsAsync(Queue, CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            await transport.SendMessageAsync(Queue, Base64($"m{i}"), CancellationToken.None);
        }

        await using var harness = await Harness.StartAsync(invoker, new QueueTriggerOptions { BatchSize = 4, NewBatchThreshold = 1 }, clock: clock, transport: transport);

        await invoker.WaitForCallsAsync(4);
        Assert.Equal(4, harness.Listener.InFlight);
        Assert.Equal(1, transport.GetReceiveCount(Queue));

        release.SetResult(InvocationResult.Success([]));
        await invoker.WaitForCallsAsync(6);
        await transport.WaitUntilAsync(queues => queues.GetMessages(Queue).Count == 0, CancellationToken.None);
        Assert.Equal(6, invoker.Calls.Count);
    }

    [Fact]
    public async Task Stop_WhileAMessageIsBeingHandled_ReleasesItAtOnce_WithoutCountingTowardsPoison()
    {
        var never = new TaskCompletionSource<InvocationResult>();
        var harness = await Harness.StartAsync(new FakeInvoker(_ => never.Task), new QueueTriggerOptions { MaxDequeueCount = 1, VisibilityTimeout = TimeSpan.FromMinutes(5) }, message: "in flight");
        await harness.Invoker.WaitForCallsAsync(1);
        Assert.Equal(Start + TimeSpan.FromMinutes(10), harness.Transport.GetMessages(Queue)[0].NextVisibleOn);

        await harness.DisposeAsync();

        var released = Assert.Single(harness.Transport.GetMessages(Queue));
        Assert.Equal(Start, released.NextVisibleOn);
        Assert.False(harness.Transport.QueueExists(Poison));
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A listener for function <c>worker</c> on queue <c>work</c>, running on a fake clock until disposed.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        private Harness(ObservableTimeProvider clock, InMemoryQueueTransport transport, FakeInvoker invoker, QueueListener listener, TimeSpan maxPolling)
        {
            Clock = clock;
            Transport = transport;
            Invoker = invoker;
            Listener = listener;
            MaxPolling = maxPolling;
        }

        public ObservableTimeProvider Clock { get; }

        public InMemoryQueueTransport Transport { get; }

        public FakeInvoker Invoker { get; }

        public QueueListener Listener { get; }

        private TimeSpan MaxPolling { get; }

        public static async Task<Harness> StartAsync(
            FakeInvoker invoker,
            QueueTriggerOptions? options = null,
            string? message = null,
            ObservableTimeProvider? clock = null,
            InMemoryQueueTransport? transport = null)
        {
            options ??= new QueueTriggerOptions();
            clock ??= new ObservableTimeProvider(Start);
            transport ??= new InMemoryQueueTransport(clock);
            invoker.Clock = clock;
            if (message is not null)
            {
                await transport.CreateQueueIfNotExistsAsync(Queue, CancellationToken.None);
                await transport.SendMessageAsync(Queue, Base64(message), CancellationToken.None);
            }

            var function = new FunctionDefinition("worker", "worker-id", new QueueTrigger("message", Queue, "AzureWebJobsStorage"));
            var listener = new QueueListener(function, options, transport, invoker, TimeSpan.FromMinutes(5), clock, NullLogger.Instance);
            var harness = new Harness(clock, transport, invoker, listener, options.MaxPollingInterval);

            // Called directly, not on the thread pool: with the in-memory queue and a scripted invoker everything up
            // to the first poll delay runs here, so each test starts from a known state.
            harness._run = listener.RunAsync(harness._stop.Token);
            return harness;
        }

        /// <summary>Waits until the listener sleeps before its next poll, and returns how long it sleeps.</summary>
        public Task<TimeSpan> WaitForNextPollAsync() => Clock.WaitForTimerAsync(due => due <= MaxPolling);

        /// <summary>Waits for the listener's next poll delay and moves the clock to its end.</summary>
        public async Task<TimeSpan> AdvanceToNextPollAsync()
        {
            var delay = await WaitForNextPollAsync();
            Clock.Advance(delay);
            return delay;
        }

        /// <summary>Moves the clock poll by poll until <paramref name="done"/> holds (at most 10 simulated minutes).</summary>
        public async Task PollUntilAsync(Func<bool> done)
        {
            var limit = Clock.GetUtcNow() + TimeSpan.FromMinutes(10);
            while (!done())
            {
                Assert.True(Clock.GetUtcNow() < limit, "the condition did not hold within 10 simulated minutes");
                await AdvanceToNextPollAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TestTimeouts.Signal);
            _stop.Dispose();
        }
    }
}
