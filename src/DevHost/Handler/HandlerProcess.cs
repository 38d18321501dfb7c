using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.Handler;

/// <summary>How to start the handler: the command, its arguments and working directory, and the environment changes.</summary>
internal sealed record HandlerLaunch(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    public override string ToString() =>
        string.Join(' ', new[] { FileName }.Concat(Arguments).Select(part => part.Contains(' ', StringComparison.Ordinal) ? $"\"{part}\"" : part));
}

/// <summary>
/// The custom handler as a child process, started the way the host starts it: the app settings as environment
/// variables plus <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, then <c>GET /</c> polled until any HTTP answer comes back.
/// Its output lines are forwarded to our logger, and the last ones are kept to explain an early exit.
/// </summary>
internal sealed partial class HandlerProcess : IAsyncDisposable
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    private const int KeptLines = 20;
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Queue<string> _lastStdout = new();
    private readonly Queue<string> _lastStderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private HandlerProcess(Process process, int port, TimeProvider timeProvider, ILogger logger)
    {
        _process = process;
        Port = port;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Completes with the exit code when the process ends, whether we stopped it or not.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True once <see cref="StopAsync"/> has begun, so an exit is expected.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>
    /// Starts the handler and waits until it answers HTTP. <paramref name="timeProvider"/> paces the polling and the
    /// start-up limit; it is the system clock in practice, because a real process does not follow a fake one.
    /// </summary>
    public static async Task<HandlerProcess> StartAsync(
        HandlerLaunch launch,
        HttpMessageInvoker client,
        TimeSpan startupTimeout,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var port = GetFreeLoopbackPort();
        var startInfo = new ProcessStartInfo(launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory,
            UseShellExecute = false,
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

        startInfo.Environment[PortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var handler = new HandlerProcess(process, port, timeProvider, logger);
        process.OutputDataReceived += (_, e) => handler.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => handler.OnLine(e.Data, isError: true);
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new DevHostException($"Cannot start the handler '{launch}' in '{launch.WorkingDirectory}': {exception.Message}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        handler.WatchExit();
        Log.Started(logger, process.Id, launch, port);

        try
        {
            await handler.WaitUntilReadyAsync(client, startupTimeout, cancellationToken);
            return handler;
        }
        catch
        {
            await handler.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the handler and its children, and waits (up to 10 s) for it to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            await _exited.Task.WaitAsync(cancellationToken);
            return;
        }

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

        using var timeout = new CancellationTokenSource(StopTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _exited.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Log.StopTimedOut(_logger, _process.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(HttpMessageInvoker client, TimeSpan startupTimeout, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(startupTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            if (_exited.Task.IsCompleted)
            {
                throw new DevHostException($"The handler exited with code {await _exited.Task} before it answered HTTP{LastLines()}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, BaseUri);
                using var response = await client.SendAsync(request, linked.Token);

                // Any HTTP answer means the handler is listening; that is all the host checks.
                var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
                Log.Ready(_logger, elapsedMs);
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new DevHostException($"The handler did not answer GET / on port {Port} within {startupTimeout.TotalSeconds:F0} s{LastLines()}");
            }

            try
            {
                await Task.WhenAny(Task.Delay(ReadyPollInterval, _timeProvider, linked.Token), _exited.Task);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new DevHostException($"The handler did not answer GET / on port {Port} within {startupTimeout.TotalSeconds:F0} s{LastLines()}");
            }
        }
    }

    private void WatchExit()
    {
        _ = WaitAsync();

        async Task WaitAsync()
        {
            // Unlike the Exited event, this also waits until the redirected output has been read to the end,
            // so the last lines are there when the exit is reported.
            await _process.WaitForExitAsync(CancellationToken.None);
            var code = _process.ExitCode;
            if (!IsStopping)
            {
                Log.ExitedUnexpectedly(_logger, _process.Id, code);
            }

            _exited.TrySetResult(code);
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
            Log.HandlerError(_logger, line);
        }
        else
        {
            Log.HandlerOutput(_logger, line);
        }
    }

    private string LastLines()
    {
        lock (_lastStdout)
        {
            // Prefer stderr; a console logger writes its errors to stdout, so fall back to that.
            var lines = _lastStderr.Count > 0 ? _lastStderr : _lastStdout;
            return lines.Count == 0 ? "." : $"; its last output: {string.Join(" | ", lines)}";
        }
    }

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Started handler (pid {ProcessId}): {Command} on port {Port}")]
        public static partial void Started(ILogger logger, int processId, HandlerLaunch command, int port);

        [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Handler ready after {ElapsedMs:F0} ms")]
        public static partial void Ready(ILogger logger, double elapsedMs);

        [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "[handler] {Line}")]
        public static partial void HandlerOutput(ILogger logger, string line);

        [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "[handler:stderr] {Line}")]
        public static partial void HandlerError(ILogger logger, string line);

        [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "The handler (pid {ProcessId}) exited with code {ExitCode}")]
        public static partial void ExitedUnexpectedly(ILogger logger, int processId, int exitCode);

        [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "The handler (pid {ProcessId}) did not exit within 10 s of being killed")]
        public static partial void StopTimedOut(ILogger logger, int processId);
    }
}
