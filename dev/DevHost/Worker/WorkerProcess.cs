using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.Worker;

/// <summary>How to start one worker process: the command, its arguments, working directory and environment changes.</summary>
internal sealed record WorkerLaunch(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    public override string ToString() =>
        string.Join(' ', new[] { FileName }.Concat(Arguments).Select(part => part.Contains(' ', StringComparison.Ordinal) ? $"\"{part}\"" : part));
}

/// <summary>
/// The language worker as a child process. Its stdout and stderr lines go to our logger (the host shows them too),
/// and the last ones are kept to explain an exit. Stopping kills the whole process tree.
/// </summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private const int KeptLines = 20;
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Queue<string> _lastStdout = new();
    private readonly Queue<string> _lastStderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    public int Id { get; private set; }

    /// <summary>When the process was started, on the system clock.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Completes with the exit code when the process ends, whether we stopped it or not.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True once <see cref="StopAsync"/> has begun, so an exit is expected.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>The last line the worker wrote to stderr (else stdout), to say why it ended.</summary>
    public string? LastLine
    {
        get
        {
            lock (_lastStdout)
            {
                return _lastStderr.Count > 0 ? _lastStderr.Last() : _lastStdout.Count > 0 ? _lastStdout.Last() : null;
            }
        }
    }

    public static WorkerProcess Start(WorkerLaunch launch, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var startInfo = new ProcessStartInfo(launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in launch.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, logger);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data, isError: true);
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new DevHostException($"Cannot start the worker '{launch}' in '{launch.WorkingDirectory}': {exception.Message}", exception);
        }

        worker.Id = process.Id;
        worker.StartedAt = DateTimeOffset.UtcNow;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        worker.WatchExit();
        Log.Started(logger, process.Id, launch);
        return worker;
    }

    /// <summary>
    /// Waits up to <paramref name="grace"/> for the process to end on its own (after a <c>WorkerTerminate</c>), then
    /// kills it with its children and waits up to 10 s more.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (grace > TimeSpan.Zero)
        {
            try
            {
                await _exited.Task.WaitAsync(grace, cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
                // It did not end on its own: kill it.
            }
        }

        Kill();
        try
        {
            await _exited.Task.WaitAsync(KillTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Log.KillTimedOut(_logger, Id);
        }
    }

    /// <summary>Kills the process and its children now.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero, CancellationToken.None);
        _process.Dispose();
    }

    /// <summary>The last lines of output, for a start-up error.</summary>
    public string LastLines()
    {
        lock (_lastStdout)
        {
            // Prefer stderr; a console logger writes its errors to stdout, so fall back to that.
            var lines = _lastStderr.Count > 0 ? _lastStderr : _lastStdout;
            return lines.Count == 0 ? "." : $"; its last output: {string.Join(" | ", lines)}";
        }
    }

    /// <summary>An exit code as words: on Unix, .NET reports a process ended by signal N as 128 + N.</summary>
    public static string DescribeExit(int exitCode)
    {
        if (!OperatingSystem.IsWindows() && exitCode is > 128 and <= 128 + 64)
        {
            var signal = exitCode - 128;
            var name = signal switch
            {
                1 => "SIGHUP",
                2 => "SIGINT",
                6 => "SIGABRT",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                15 => "SIGTERM",
                _ => null,
            };
            return string.Create(CultureInfo.InvariantCulture, $"killed by signal {signal}{(name is null ? string.Empty : $" ({name})")}, exit code {exitCode}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}");
    }

    private void WatchExit()
    {
        _ = WaitAsync();

        async Task WaitAsync()
        {
            // Unlike the Exited event, this also waits until the redirected output has been read to the end,
            // so the last lines are there when the exit is reported.
            await _process.WaitForExitAsync(CancellationToken.None);
            _exited.TrySetResult(_process.ExitCode);
        }
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastStdout)
        {
            var kept = isError ? _lastStderr : _lastStdout;
            kept.Enqueue(line);
            if (kept.Count > KeptLines)
            {
                kept.Dequeue();
            }
        }

        if (isError)
        {
            Log.WorkerError(_logger, Id, line);
        }
        else
        {
            Log.WorkerOutput(_logger, Id, line);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Started worker (pid {ProcessId}): {Command}")]
        public static partial void Started(ILogger logger, int processId, WorkerLaunch command);

        [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "[worker {ProcessId}] {Line}")]
        public static partial void WorkerOutput(ILogger logger, int processId, string line);

        [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "[worker {ProcessId}:stderr] {Line}")]
        public static partial void WorkerError(ILogger logger, int processId, string line);

        [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "The worker (pid {ProcessId}) did not exit within 10 s of being killed")]
        public static partial void KillTimedOut(ILogger logger, int processId);
    }
}
