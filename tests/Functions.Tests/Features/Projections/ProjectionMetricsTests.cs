using Serverless.Domain.Projections;
using Serverless.Functions.Features.Projections;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Functions.Tests.Features.Projections;

/// <summary>The refresher's instruments: writes by outcome and staleness, both by feature and kind only.</summary>
public sealed class ProjectionMetricsTests : IDisposable
{
    private static readonly ProjectionKey Key = new(123456789012345678, "raids", "progress:42");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly TestMeterFactory _meters = new();
    private readonly MeterRecorder _recorder;
    private readonly ProjectionMetrics _metrics;

    public ProjectionMetricsTests()
    {
        _recorder = new MeterRecorder(_meters);
        _metrics = new ProjectionMetrics(_meters);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void AWrite_IsCountedByFeatureKindAndOutcome_WithoutTheGuildOrTheId()
    {
        _metrics.Refreshed(Key, ProjectionMetrics.Outcomes.Edited);

        var write = Assert.Single(_recorder.Of("bot.projections.writes"));
        Assert.Equal(1, write.Value);
        Assert.Equal("raids", write.Tag("feature"));
        Assert.Equal("progress", write.Tag("kind"));
        Assert.Equal("edited", write.Tag("outcome"));
        Assert.Equal(3, write.Tags.Count);
    }

    [Fact]
    public void Staleness_IsPublishTimeMinusDirtySince_InSeconds()
    {
        _metrics.Current(Key, Now.AddSeconds(-2.5), Now);

        var staleness = Assert.Single(_recorder.Of("bot.projections.staleness"));
        Assert.Equal(2.5, staleness.Value, precision: 6);
        Assert.Equal("s", staleness.Unit);
        Assert.Equal("raids", staleness.Tag("feature"));
        Assert.Equal("progress", staleness.Tag("kind"));
    }

    [Fact]
    public void NothingUnshown_RecordsNoStaleness()
    {
        _metrics.Current(Key, dirtySince: null, Now);

        Assert.Empty(_recorder.Of("bot.projections.staleness"));
    }

    [Fact]
    public void AChangeStampedAfterThePublish_ByAnotherInstancesClock_CountsAsZero()
    {
        _metrics.Current(Key, Now.AddMilliseconds(30), Now);

        Assert.Equal(0, Assert.Single(_recorder.Of("bot.projections.staleness")).Value);
    }
}
