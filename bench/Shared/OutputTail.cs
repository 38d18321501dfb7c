using Microsoft.Extensions.Logging;

namespace Serverless.Bench;

/// <summary>
/// Keeps the last lines the DevHost and the worker logged, so that a failed run can show why without the
/// console output of every successful run (which would also cost time inside the measurement).
/// </summary>
internal sealed class OutputTail : ILoggerProvider
{
    private const int Keep = 30;
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();
    private readonly LogLevel _minimum;

    public OutputTail(LogLevel minimum)
    {
        _minimum = minimum;
    }

    /// <summary>A logger factory writing to this tail and to <paramref name="others"/>, from the tail's level up.</summary>
    public ILoggerFactory CreateFactory(params ILoggerProvider[] others) =>
        LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(_minimum).AddProvider(this);
            foreach (var provider in others)
            {
                logging.AddProvider(provider);
            }
        });

    public void Clear()
    {
        lock (_lock)
        {
            _lines.Clear();
        }
    }

    /// <summary>The kept lines, indented, after a line break; empty when nothing was logged.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            return _lines.Count == 0 ? "" : $"; last log lines:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", _lines)}";
        }
    }

    public ILogger CreateLogger(string categoryName) => new TailLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lock)
        {
            if (_lines.Count == Keep)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    private sealed class TailLogger(OutputTail tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= tail._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                tail.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
            }
        }
    }
}
