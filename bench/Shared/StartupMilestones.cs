using Microsoft.Extensions.Logging;

namespace Serverless.Bench;

/// <summary>
/// Picks the worker's start-up milestones out of the DevHost's structured logs: milliseconds from the worker's
/// start to its init response (event 210) and to its last function load response (event 211), and how long the
/// first forwarded HTTP request took from the DevHost forwarding it to the worker's answer and invocation
/// response (event 400). They split the cold start into the worker's own start-up, indexing and loading, and the
/// first request. NaN if the DevHost stops logging them (the total is measured by the bench itself either way).
/// </summary>
internal sealed class StartupMilestones : ILoggerProvider
{
    private const int InitializedEvent = 210;
    private const int LoadedEvent = 211;
    private const int ForwardedEvent = 400;

    private double _initializedMs = double.NaN;
    private double _loadedMs = double.NaN;
    private double _firstRequestMs = double.NaN;
    private int _requestSeen;

    /// <summary>Worker start to its init response, in ms; NaN when not logged.</summary>
    public double InitializedMs => Volatile.Read(ref _initializedMs);

    /// <summary>Worker start to its last function load response, in ms; NaN when not logged.</summary>
    public double LoadedMs => Volatile.Read(ref _loadedMs);

    /// <summary>The first HTTP request's time inside the DevHost (forwarded to answered), in ms; NaN when not logged.</summary>
    public double FirstRequestMs => Volatile.Read(ref _firstRequestMs);

    public void Clear()
    {
        Volatile.Write(ref _initializedMs, double.NaN);
        Volatile.Write(ref _loadedMs, double.NaN);
        Volatile.Write(ref _firstRequestMs, double.NaN);
        Volatile.Write(ref _requestSeen, 0);
    }

    public ILogger CreateLogger(string categoryName) => new MilestoneLogger(this);

    public void Dispose()
    {
    }

    private sealed class MilestoneLogger(StartupMilestones milestones) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id is not (InitializedEvent or LoadedEvent or ForwardedEvent) || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                return;
            }

            var elapsed = fields.FirstOrDefault(field => field.Key == "ElapsedMs").Value as double? ?? double.NaN;
            switch (eventId.Id)
            {
                case InitializedEvent:
                    Volatile.Write(ref milestones._initializedMs, elapsed);
                    break;
                case LoadedEvent:
                    Volatile.Write(ref milestones._loadedMs, elapsed);
                    break;
                default:
                    // Only the first request: the cold one.
                    if (Interlocked.Exchange(ref milestones._requestSeen, 1) == 0)
                    {
                        Volatile.Write(ref milestones._firstRequestMs, elapsed);
                    }

                    break;
            }
        }
    }
}
