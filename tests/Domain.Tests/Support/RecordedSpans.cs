using System.Diagnostics;

namespace Serverless.Domain.Tests.Support;

/// <summary>Listens to the named sources, sampling everything, and keeps each span that stopped.</summary>
public sealed class RecordedSpans : IDisposable
{
    private readonly ActivityListener _listener;

    public RecordedSpans(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (Stopped)
                {
                    Stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public List<Activity> Stopped { get; } = [];

    public void Dispose() => _listener.Dispose();
}

/// <summary>Tests that listen to spans, or check that none is made, run alone: a listener sees every span of its source.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ActivityTests
{
    public const string Name = "Activities";
}
