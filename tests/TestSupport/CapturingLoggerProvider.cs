using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>Keeps every formatted log line (with its exception) so tests can assert what never reaches logs.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message, string Line)> _entries = new();

    /// <summary>Each entry as one line: level, category, event id, message and exception.</summary>
    public IReadOnlyList<string> Lines => [.. _entries.Select(entry => entry.Line)];

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries => [.. _entries.Select(entry => (entry.Level, entry.Id, entry.Message))];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<(LogLevel, EventId, string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            entries.Enqueue((logLevel, eventId, message, $"{logLevel} {category}[{eventId.Id}] {message} {exception}"));
        }
    }
}
