using System.Diagnostics.Metrics;
using System.Net;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.VoiceQueue;
using Serverless.Discord.Rest;
using Serverless.Domain;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;
using Serverless.Storage.Queues;
using Serverless.Storage.Tables;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.VoiceQueue;

public sealed class VoiceQueueConsumerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly DateTimeOffset _start = Start;
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
        var text = InteractionMessageCodec.Encode(Command(sequence: 11));
        await EnqueueAsync(text);

        Assert.Equal(1, await consumer.PollOnceAsync(CancellationToken.None));
        Assert.Equal([Id(11)], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));

        // At-least-once: the same message delivered again changes nothing.
        await EnqueueAsync(text);
        await consumer.PollOnceAsync(CancellationToken.None);
        Assert.Equal([Id(11)], _runner.Ran);
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
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(sequence: 12)));

        await consumer.PollOnceAsync(CancellationToken.None);
        Assert.Equal(1, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());

        // The visibility timeout (1 s here) brings it back for the second and last try.
        await PollUntilReceivedAsync(consumer);

        Assert.Equal([Id(12), Id(12)], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.Equal(1, await DepthAsync(Poison));
    }

    [Fact]
    public async Task AFailureThenSuccess_RunsTwice_AndLeavesNothingBehind()
    {
        _runner.FailuresLeft = 1;
        var consumer = Consumer(maxDequeueCount: 5);
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(sequence: 13)));

        await consumer.PollOnceAsync(CancellationToken.None);
        await PollUntilReceivedAsync(consumer);

        Assert.Equal([Id(13), Id(13)], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public async Task ACommandOlderThanTheTokensLifetime_IsDropped_NotRun()
    {
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(sequence: 14, createdAt: _time.GetUtcNow().AddMinutes(-15))));

        await Consumer().PollOnceAsync(CancellationToken.None);

        Assert.Empty(_runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public async Task AnOldInteraction_QueuedJustNow_IsDropped_ItsAgeComesFromTheSnowflake()
    {
        // The rule the Functions worker always had: the token's life starts when Discord sent the interaction.
        var command = Command(sequence: 15, createdAt: _time.GetUtcNow().AddMinutes(-14.5)) with { EnqueuedAt = _time.GetUtcNow() };
        await EnqueueAsync(InteractionMessageCodec.Encode(command));

        await Consumer().PollOnceAsync(CancellationToken.None);

        Assert.Empty(_runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public async Task DiscordForgotTheInteraction_IsDropped_NotRetried()
    {
        _runner.Throw = new DiscordApiException(HttpStatusCode.NotFound, DiscordErrorCodes.UnknownInteraction, "PATCH /webhooks/{application}/{token}/messages/@original", "Unknown interaction");
        var consumer = Consumer(maxDequeueCount: 1);
        await EnqueueAsync(InteractionMessageCodec.Encode(Command(sequence: 16)));

        await consumer.PollOnceAsync(CancellationToken.None);

        Assert.Equal([Id(16)], _runner.Ran);
        Assert.Equal(0, await DepthAsync(Queue));
        Assert.False(await Poison.ExistsAsync());
    }

    [Fact]
    public void Options_NameTheKeyThatIsWrong()
    {
        var validator = new VoiceQueueOptionsValidator();
        var failures = validator.Validate(null, new VoiceQueueOptions { BatchSize = 64, MaxDequeueCount = 0 }).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Companion__VoiceQueue__BatchSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Companion__VoiceQueue__MaxDequeueCount", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new VoiceQueueOptions()).Succeeded);
    }

    private VoiceQueueConsumer Consumer(int maxDequeueCount = 5)
    {
        var settings = new VoiceQueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(1), MaxDequeueCount = maxDequeueCount }.ToReceiverSettings();
        var receiver = new PolledQueueReceiver(azurite.Account, new AzurePoisonQueue(azurite.Account), QueueNames.Voice, settings, _time, NullLogger<PolledQueueReceiver>.Instance);
        var runner = new DeferredWorkRunner(
            new InteractionMessageCodec(),
            new TableInteractionLedger(azurite.Account, _time),
            Options.Create(new DeferredWorkOptions()),
            _time,
            NullLogger<DeferredWorkRunner>.Instance,
            new DeferredWorkMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));
        return new VoiceQueueConsumer(receiver, runner, _runner, NullLogger<VoiceQueueConsumer>.Instance);
    }

    /// <summary>An interaction id Discord could have sent when this test started, distinct per <paramref name="sequence"/>.</summary>
    private ulong Id(int sequence, DateTimeOffset? createdAt = null) => Snowflake.AtTime(createdAt ?? _start) + (ulong)sequence;

    private DeferredCommand Command(int sequence, DateTimeOffset? createdAt = null) => new()
    {
        InteractionId = Id(sequence, createdAt),
        ApplicationId = 99,
        InteractionToken = "token-" + sequence,
        EnqueuedAt = createdAt ?? _time.GetUtcNow(),
        Invocation = new CommandInvocation
        {
            CommandName = "music",
            CorrelationId = "corr-" + sequence,
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

    private sealed class RecordingRunner : IDeferredWorkHandler
    {
        private readonly List<ulong> _ran = [];

        public int FailuresLeft { get; set; }

        public Exception? Throw { get; set; }

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

        public Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
        {
            lock (_ran)
            {
                _ran.Add(command.InteractionId);
            }

            if (Throw is not null)
            {
                throw Throw;
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("transient");
            }

            return Task.CompletedTask;
        }

        public Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No operator controls in these tests.");
    }
}
