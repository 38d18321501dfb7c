using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Rpc;
using Xunit.Abstractions;

namespace Serverless.DevHost.Tests.Support;

/// <summary>
/// A fake clock that also reports the timers created on it, so a test can wait until the code under test is
/// waiting (for a poll delay, a schedule) before it moves the clock; otherwise the move could come too early.
/// </summary>
internal sealed class ObservableTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _created = [];
    private int _consumed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _created.Add(dueTime);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return timer;
    }

    /// <summary>Waits for the next timer (after those already returned) whose due time matches, and returns that due time.</summary>
    public async Task<TimeSpan> WaitForTimerAsync(Func<TimeSpan, bool> matches)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var i = _consumed; i < _created.Count; i++)
                {
                    if (matches(_created[i]))
                    {
                        _consumed = i + 1;
                        return _created[i];
                    }
                }

                _consumed = _created.Count;
                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }
}

/// <summary>Records invocations and answers them with a scripted result.</summary>
internal sealed class FakeInvoker(Func<int, Task<InvocationResult>> answer) : IFunctionInvoker
{
    private readonly Lock _gate = new();
    private readonly List<RecordedCall> _calls = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static FakeInvoker Succeeding() => new(_ => Task.FromResult(InvocationResult.Success()));

    public static FakeInvoker Failing() => new(_ => Task.FromResult(InvocationResult.Failure("scripted failure")));

    /// <summary>Stamps each call with this clock's time, when set.</summary>
    public TimeProvider? Clock { get; set; }

    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public Task<InvocationResult> InvokeAsync(string functionName, InvocationInput input, CancellationToken cancellationToken)
    {
        int index;
        TaskCompletionSource changed;
        lock (_gate)
        {
            index = _calls.Count;
            _calls.Add(new RecordedCall(functionName, input, Clock?.GetUtcNow()));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return answer(index).WaitAsync(cancellationToken);
    }

    public async Task WaitForCallsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_calls.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }
}

internal sealed record RecordedCall(string FunctionName, InvocationInput Input, DateTimeOffset? At)
{
    /// <summary>The trigger parameter's value (the first input binding).</summary>
    public TypedData Trigger => Input.InputData[0].Data;

    /// <summary>The trigger's value as JSON, for a <c>json</c> TypedData.</summary>
    public JsonElement TriggerJson => JsonDocument.Parse(Trigger.Json).RootElement.Clone();

    public TypedData Metadata(string name) => Input.TriggerMetadata[name];
}

internal static class TestTimeouts
{
    /// <summary>A safety net for waits on signals: long enough never to fire on a working build, short enough to fail fast.</summary>
    public static readonly TimeSpan Signal = TimeSpan.FromSeconds(30);
}

internal static class TestPaths
{
    /// <summary>The test worker app's build output (its script root), built with the tests (see the project file).</summary>
    public static string TestWorker =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "TestWorkerPath").Value!;

    /// <summary>The repository root: the folder above the test output that holds Serverless.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
        }
    }
}

/// <summary>Sends the DevHost's and the worker's log lines to the test output, for diagnosing failures.</summary>
internal sealed class XunitLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new XunitLogger(output, categoryName);

    public void Dispose()
    {
    }

    public static ILoggerFactory CreateFactory(ITestOutputHelper output) =>
        LoggerFactory.Create(logging => logging.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Debug));

    private sealed class XunitLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{logLevel,-11} {category}: {formatter(state, exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
