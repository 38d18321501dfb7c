using Microsoft.Extensions.Logging;

namespace Serverless.Bench;

/// <summary>
/// Picks the worker's start-up milestones out of the DevHost's structured logs: milliseconds from the worker's
/// start to its init response (event 210) and to its last function load response (event 211). They split the
/// cold start into the worker's own start-up, indexing and loading, and the first request. Missing if the
/// DevHost stops logging them (the total is measured by the bench itself either way).
/// </summary>
internal sealed class StartupMilestones : ILoggerProvider
{
    private const int InitializedEvent = 210;
    private const int LoadedEvent = 211;

    private double _initializedMs = double.NaN;
    private double _loadedMs = double.NaN;

    /// <summary>Worker start to its init response, in ms; NaN when not logged.</summary>
    public double InitializedMs => Volatile.Read(ref _initializedMs);

    /// <summary>Worker start to its last function load response, in ms; NaN when not logged.</summary>
    public double LoadedMs => Volatile.Read(ref _loadedMs);

    public void Clear()
    {
        Volatile.Write(ref _initializedMs, double.NaN);
        Volatile.Write(ref _loadedMs, double.NaN);
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
            if (eventId.Id is not (InitializedEvent or LoadedEvent) || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                return;
            }

            var elapsed = fields.FirstOrDefault(field => field.Key == "ElapsedMs").Value as double? ?? double.NaN;
            if (eventId.Id == InitializedEvent)
            {
                Volatile.Write(ref milestones._initializedMs, elapsed);
            }
            else
            {
                Volatile.Write(ref milestones._loadedMs, elapsed);
            }
        }
    }
}
