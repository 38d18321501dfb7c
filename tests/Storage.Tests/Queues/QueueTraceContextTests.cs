using System.Diagnostics;
using System.Text.Json;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Queues;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Storage.Tests.Queues;

/// <summary>The envelope's W3C trace context: written, read back, and never a reason to refuse a message.</summary>
public sealed class QueueTraceContextTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void InteractionMessages_CarryTheTraceContext_AndGiveItBack()
    {
        var command = Command() with { Trace = new QueuedTraceContext(TraceParent, "vendor=x") };

        var text = InteractionMessageCodec.Encode(command);

        using var json = JsonDocument.Parse(text);
        Assert.Equal(TraceParent, json.RootElement.GetProperty("traceparent").GetString());
        Assert.Equal("vendor=x", json.RootElement.GetProperty("tracestate").GetString());
        Assert.True(InteractionMessageCodec.TryDecode(text, out var decoded, out var problem), problem);
        Assert.Equal(new QueuedTraceContext(TraceParent, "vendor=x"), decoded!.Trace);
        Assert.True(decoded.Trace.TryGetParent(out var parent));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", parent.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", parent.SpanId.ToHexString());
    }

    [Fact]
    public void InteractionMessages_WithoutATrace_HaveNoTraceFields()
    {
        var text = InteractionMessageCodec.Encode(Command());

        Assert.DoesNotContain("traceparent", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tracestate", text, StringComparison.Ordinal);
        Assert.True(InteractionMessageCodec.TryDecode(text, out var decoded, out _));
        Assert.Equal(QueuedTraceContext.None, decoded!.Trace);
    }

    [Theory]
    [InlineData("\"nonsense\"")]
    [InlineData("\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331\"")]
    [InlineData("\"00-00000000000000000000000000000000-b7ad6b7169203331-01\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void AMalformedTraceparent_IsNoTrace_NotAPoisonMessage(string traceparent)
    {
        var text = InteractionMessageCodec.Encode(Command())[..^1] + ",\"traceparent\":" + traceparent + ",\"tracestate\":\"vendor=x\"}";

        Assert.True(InteractionMessageCodec.TryDecode(text, out var decoded, out var problem), problem);
        Assert.Equal(QueuedTraceContext.None, decoded!.Trace);
        Assert.Equal("corr-1", decoded.Invocation.CorrelationId);
    }

    [Fact]
    public void PostMessages_CarryTheTraceContext_AndDecodeAsBefore()
    {
        var claim = new PostClaim(900000000000000001, "post-1", new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero), 2);

        var text = PostMessageCodec.Encode(claim, "corr-9", claim.Due, new QueuedTraceContext(TraceParent, null));

        var envelope = PostEnvelope.Read(text);
        Assert.Equal(new QueuedTraceContext(TraceParent, null), envelope.Trace);
        Assert.Equal("corr-9", envelope.CorrelationId);
        Assert.Equal(900000000000000001UL, envelope.GuildId);
        Assert.Equal(((PostClaim?)claim, (string?)"corr-9", (string?)null), PostMessageCodec.Decode(text));
        Assert.DoesNotContain("traceparent", PostMessageCodec.Encode(claim, "corr-9", claim.Due), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"v":1,"kind":"post","traceparent":"00-zz-01","guildId":"5"}""")]
    [InlineData("not json")]
    [InlineData("null")]
    public void PostEnvelopes_WithAMalformedTraceOrBody_HaveNoTrace(string text)
    {
        Assert.Equal(QueuedTraceContext.None, PostEnvelope.Read(text).Trace);
    }

    internal static DeferredCommand Command(ulong interactionId = 1312345678901234567) => new()
    {
        InteractionId = interactionId,
        ApplicationId = 100000000000000001,
        InteractionToken = "token",
        EnqueuedAt = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
        Invocation = new CommandInvocation
        {
            CommandName = "music",
            CorrelationId = "corr-1",
            GuildId = 900000000000000001,
            Options = new Dictionary<string, string> { ["subcommand"] = "play" },
        },
    };
}

/// <summary>
/// The Producer span around each send, whose context the message carries; with nothing listening, no span and no
/// trace in the message. Not run beside other tests: a listener sees every span of the source.
/// </summary>
[Collection(QueueSpanTests.Name)]
public sealed class EnqueueSpanTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task DeferredCommands_AreSentInsideAnEnqueueSpan_WhoseContextTheMessageCarries()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        using var outer = new ActivitySource("Test.Endpoint");
        var queue = new AzureDeferredCommandQueue(azurite.Account);

        using (var request = outer.StartActivity("POST /api/interactions", ActivityKind.Server))
        {
            await queue.EnqueueAsync(QueueTraceContextTests.Command(1312345678901230001), DeferredWorkQueue.Voice, CancellationToken.None);
        }

        var endpoint = Assert.Single(spans, span => span.Source.Name == "Test.Endpoint");
        var enqueue = Assert.Single(spans, span => span.Source.Name == TelemetryNames.Queues);
        Assert.Equal("enqueue voice", enqueue.DisplayName);
        Assert.Equal(ActivityKind.Producer, enqueue.Kind);
        Assert.Equal(endpoint.SpanId, enqueue.ParentSpanId);
        Assert.Equal("azure_storage_queues", enqueue.GetTagItem("messaging.system"));
        Assert.Equal("voice", enqueue.GetTagItem("messaging.destination.name"));
        Assert.Equal("corr-1", enqueue.GetTagItem(TelemetryDimensions.CorrelationId));
        Assert.Equal("900000000000000001", enqueue.GetTagItem(TelemetryDimensions.GuildId));
        Assert.Equal("music play", enqueue.GetTagItem(TelemetryDimensions.Command));

        var decoded = await ReceiveAsync(QueueNames.Voice, 1312345678901230001);
        Assert.Equal(enqueue.Id, decoded.Trace.TraceParent);
        Assert.True(decoded.Trace.TryGetParent(out var parent));
        Assert.Equal(enqueue.SpanId, parent.SpanId);
        Assert.Equal(endpoint.TraceId, parent.TraceId);
    }

    [Fact]
    public async Task NothingListening_TheMessageCarriesNoTrace()
    {
        var queue = new AzureDeferredCommandQueue(azurite.Account);
        var command = QueueTraceContextTests.Command(1312345678901230002) with
        {
            Trace = new QueuedTraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null),
        };

        await queue.EnqueueAsync(command, DeferredWorkQueue.Interactions, CancellationToken.None);

        var decoded = await ReceiveAsync(QueueNames.Interactions, 1312345678901230002);
        Assert.Equal(QueuedTraceContext.None, decoded.Trace);
    }

    [Fact]
    public async Task Posts_AreSentInsideAnEnqueueSpan_WhoseContextTheMessageCarries()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        var queue = new AzurePostPublishQueue(azurite.Account, TimeProvider.System);
        var claim = new PostClaim(900000000000000001, "post-span", DateTimeOffset.UtcNow, 1);

        await queue.EnqueueAsync(claim, "corr-post", CancellationToken.None);

        var enqueue = Assert.Single(spans, span => span.Source.Name == TelemetryNames.Queues);
        Assert.Equal("enqueue posts", enqueue.DisplayName);
        Assert.Equal(ActivityKind.Producer, enqueue.Kind);
        Assert.Equal("corr-post", enqueue.GetTagItem(TelemetryDimensions.CorrelationId));
        Assert.Equal("scheduled-posts", enqueue.GetTagItem(TelemetryDimensions.Feature));
        var posts = azurite.Account.Queues.GetQueueClient(QueueNames.Posts);
        var message = Assert.Single((await posts.ReceiveMessagesAsync(maxMessages: 32)).Value, m => m.Body.ToString().Contains("post-span", StringComparison.Ordinal));
        Assert.Equal(enqueue.Id, PostEnvelope.Read(message.Body.ToString()).Trace.TraceParent);
    }

    private static ActivityListener Listen(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TelemetryNames.Queues or "Test.Endpoint",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private async Task<DeferredCommand> ReceiveAsync(string queueName, ulong interactionId)
    {
        var queue = azurite.Account.Queues.GetQueueClient(queueName);
        foreach (var message in (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value)
        {
            if (InteractionMessageCodec.TryDecode(message.Body.ToString(), out var decoded, out _) && decoded!.InteractionId == interactionId)
            {
                return decoded;
            }
        }

        throw new InvalidOperationException($"interaction {interactionId} is not on {queueName}");
    }
}

/// <summary>Tests that listen to spans, or check that none is made, run alone: a listener sees every span of its source.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QueueSpanTests
{
    public const string Name = "Queue spans";
}
