using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.VoiceQueue;
using Serverless.Domain.Commands;
using Serverless.Storage.Queues;
using Serverless.Storage.Tables;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.VoiceQueue;

public sealed class VoiceQueueConsumerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RecordingRunner _runner = new();

    private QueueClient Queue => azurite.Account.Queues.GetQueueClient(QueueNames.Voice);

    private QueueClient Poison => azurite.Account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Voice));

    public async Task InitializeAsync()
    {
        // Each test starts from empty queues; the fixture's Azurite is shared by the class.
        await Queue.DeleteIfExistsAsync();
        await Poison.DeleteIfExistsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AFreshAccount_HasNoVoiceQueue_AndPollingCreatesIt()
    {
        var received = await Consumer().PollOnceAsync(CancellationToken.None);

        Assert.Equal(0, received);
        Assert.True(await Queue.ExistsAsync());
    }

    [Fact]
    public async Task ACommand_IsRun_ThenDeleted_AndARedeliveryIsSkipped()
    {
        var consumer = Consumer();
        var text = InteractionMessageCodec.Encode(Command(interactionId: 11));
        await EnqueueAsync(text);

        Assert.Equal(1, await consumer.PollOnceAsync(CancellationToken.None));
        Assert.Equal([11UL], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));

        // At-least-once: the same message delivered again changes nothing.
        await EnqueueAsync(text);
        await consumer.PollOnceAsync(CancellationToken.None);
        Assert.Equal([11UL], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
    }

    [Fact]
    public async Task AnUnreadableMessage_GoesToPoisonAtOnce_Verbatim()
    {
        await EnqueueAsync("""{"v":9,"kind":"interaction"}""");

        await Consumer().PollOnceAsync(CancellationToken.None);

        Assert.Empty(_runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        var poisoned = Assert.Single((await Poison.ReceiveMessagesAsync(maxMessages: 8)).Value);
        Assert.Equal("""{"v":9,"kind":"interaction"}""", poisoned.MessageText);
    }

    [Fact]
    public async Task AFailingCommand_IsRetried_ThenPoisonedAfterMaxDequeueCount()
    {
        _runner.FailuresLeft = int.MaxValue;
        var consumer = Consumer(maxDequeueCount: 2);
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(interactionId: 12)));

        await consumer.PollOnceAsync(CancellationToken.None);
        Assert.Equal(1, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());

        // The visibility timeout (1 s here) brings it back for the second and last try.
        await PollUntilReceivedAsync(consumer);

        Assert.Equal([12UL, 12UL], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.Equal(1, await DepthAsync(Poison));
    }

    [Fact]
    public async Task AFailureThenSuccess_RunsTwice_AndLeavesNothingBehind()
    {
        _runner.FailuresLeft = 1;
        var consumer = Consumer(maxDequeueCount: 5);
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(interactionId: 13)));

        await consumer.PollOnceAsync(CancellationToken.None);
        await PollUntilReceivedAsync(consumer);

        Assert.Equal([13UL, 13UL], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public async Task ACommandOlderThanTheTokensLifetime_IsDropped_NotRun()
    {
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(interactionId: 14, enqueuedAt: _time.GetUtcNow().AddMinutes(-15))));

        await Consumer().PollOnceAsync(CancellationToken.None);

        Assert.Empty(_runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public void Options_NameTheKeyThatIsWrong()
    {
        var validator = new VoiceQueueOptionsValidator();
        var failures = validator.Validate(null, new VoiceQueueOptions { BatchSize = 64, DeferredWorkDeadline = TimeSpan.FromMinutes(20) }).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Companion__VoiceQueue__BatchSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Companion__VoiceQueue__DeferredWorkDeadline", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new VoiceQueueOptions()).Succeeded);
    }

    private VoiceQueueConsumer Consumer(int maxDequeueCount = 5) => new(
        azurite.Account,
        _runner,
        new TableInteractionLedger(azurite.Account, _time),
        Options.Create(new VoiceQueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(1), MaxDequeueCount = maxDequeueCount }),
        _time,
        NullLogger<VoiceQueueConsumer>.Instance);

    private DeferredCommand Command(ulong interactionId, DateTimeOffset? enqueuedAt = null) => new()
    {
        InteractionId = interactionId,
        ApplicationId = 99,
        InteractionToken = "token-" + interactionId,
        EnqueuedAt = enqueuedAt ?? _time.GetUtcNow(),
        Invocation = new CommandInvocation
        {
            CommandName = "music",
            CorrelationId = "corr-" + interactionId,
            GuildId = 1,
            ChannelId = 2,
            UserId = 3,
            Options = new Dictionary<string, string> { ["subcommand"] = "skip" },
        },
    };

    private async Task EnqueueAsync(string text)
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync(text);
    }

    private static async Task<int> DepthAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private static async Task PollUntilReceivedAsync(VoiceQueueConsumer consumer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await consumer.PollOnceAsync(CancellationToken.None) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the failed message never became visible again");
            await Task.Delay(200);
        }
    }

    private sealed class RecordingRunner : IVoiceCommandRunner
    {
        private readonly List<ulong> _ran = [];

        public int FailuresLeft { get; set; }

        public IReadOnlyList<ulong> Ran
        {
            get
            {
                lock (_ran)
                {
                    return [.. _ran];
                }
            }
        }

        public Task RunAsync(DeferredCommand command, CancellationToken cancellationToken)
        {
            lock (_ran)
            {
                _ran.Add(command.InteractionId);
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("transient");
            }

            return Task.CompletedTask;
        }
    }
}
