using System.Diagnostics;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Tests.Interactions;
using Serverless.Functions.Tests.Support;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Functions.Tests.ScheduledPosts;

/// <summary>The publisher runs in a Consumer span "process posts" under the trace of the timer run that queued the post.</summary>
[Collection(EndpointSpanTests.Name)]
public sealed class PostPublisherTraceTests
{
    [Fact]
    public async Task ThePublishing_JoinsTheTraceTheMessageCarried()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TelemetryNames.Queues,
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
        await using var host = await FunctionTestHost.StartAsync();
        var claim = new PostClaim(900000000000000555, "post-traced", host.Time.GetUtcNow(), 1);
        var trace = new QueuedTraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);

        // The post does not exist, and the test store cannot release its claim: how the run ends is not the point here.
        await Record.ExceptionAsync(() => host.RunAsync<PostPublisherFunction>(function => function.RunAsync(PostMessageCodec.Encode(claim, "corr-traced", host.Time.GetUtcNow(), trace), CancellationToken.None)));

        var span = Assert.Single(spans, span => Equals(span.GetTagItem(TelemetryDimensions.CorrelationId), "corr-traced"));
        Assert.Equal("process posts", span.DisplayName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", span.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", span.ParentSpanId.ToHexString());
        Assert.Equal("900000000000000555", span.GetTagItem(TelemetryDimensions.GuildId));
        Assert.Equal("scheduled-posts", span.GetTagItem(TelemetryDimensions.Feature));
        Assert.Equal("posts", span.GetTagItem("messaging.destination.name"));
    }
}
