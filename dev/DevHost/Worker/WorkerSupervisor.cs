using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>A worker that is connected, initialized and has loaded the functions: what invocations go to.</summary>
internal sealed class ActiveWorker(WorkerProcess process, WorkerChannel channel, IReadOnlyDictionary<string, string> capabilities)
{
    public WorkerProcess Process { get; } = process;

    public WorkerChannel Channel { get; } = channel;

    /// <summary>The capabilities the worker declared in its init response.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; } = capabilities;

    /// <summary>The worker's <c>HttpUri</c> capability: where its ASP.NET Core integration serves HTTP triggers.</summary>
    public Uri? HttpUri { get; init; }

    /// <summary>Functions the worker failed to load, with why; their invocations fail without reaching the worker.</summary>
    public ConcurrentDictionary<string, string> LoadErrors { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Runs the language worker as the host does: starts it from <c>worker.config.json</c> with the host's command line
/// and environment, waits for its <c>StartStream</c>, initializes it, asks it for its functions (falling back to
/// <c>functions.metadata</c>), loads them, and then sends it the invocations. When it dies it is started again
/// (after a line saying why), with the host's limits: at most 3 failures within 30 minutes, no two restarts within
/// 10 seconds; past that the DevHost gives up (<see cref="GaveUp"/>). On stop it sends <c>WorkerTerminate</c> and
/// kills the process tree after the grace period.
/// </summary>
internal sealed partial class WorkerSupervisor : IFunctionInvoker, IAsyncDisposable
{
    /// <summary>The version the DevHost reports as the host's: a 4.x host, as the worker expects.</summary>
    public const string HostVersion = "4.0.0-devhost";

    /// <summary>The host's gRPC message size limit, passed on the command line.</summary>
    private const int MaxMessageLength = int.MaxValue;

    /// <summary>How long the worker has to end on its own after <c>WorkerTerminate</c>.</summary>
    private static readonly TimeSpan TerminateGracePeriod = TimeSpan.FromSeconds(5);

    private readonly FunctionAppMetadata _app;
    private readonly AppSettings _settings;
    private readonly TimeSpan _startupTimeout;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WorkerChannel> _expected = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<DateTimeOffset> _failures = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<int> _gaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<ActiveWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<IndexedFunction> _functions = [];
    private Dictionary<string, string> _functionIds = new(StringComparer.OrdinalIgnoreCase);
    private ActiveWorker? _current;
    private ActiveWorker? _starting;
    private WorkerProcess? _startingProcess;
    private Task _supervision = Task.CompletedTask;
    private TimeSpan? _functionTimeout;
    private DateTimeOffset _lastStart;
    private int _restarts;

    public WorkerSupervisor(FunctionAppMetadata app, AppSettings settings, TimeSpan startupTimeout, TimeProvider clock, ILoggerFactory loggerFactory)
    {
        _app = app;
        _settings = settings;
        _startupTimeout = startupTimeout;
        _clock = clock;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Serverless.DevHost.Worker");
        _functionTimeout = app.Host.FunctionTimeout;
    }

    /// <summary>Where the DevHost's gRPC server listens; set before the first worker starts.</summary>
    public Uri? ServerUri { get; set; }

    /// <summary>Limits between restarts; the host's values unless a test shortens them.</summary>
    internal TimeSpan RestartInterval { get; init; } = TimeSpan.FromSeconds(10);

    internal int MaxFailures { get; init; } = 3;

    internal TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How many times the worker has been started again after it died.</summary>
    public int RestartCount => Volatile.Read(ref _restarts);

    /// <summary>The worker now serving invocations, if any.</summary>
    public ActiveWorker? Current => Volatile.Read(ref _current);

    /// <summary>Completes with the last exit code when the worker has failed too often to be started again.</summary>
    public Task<int> GaveUp => _gaveUp.Task;

    /// <summary>Raised after a restarted worker has loaded the functions.</summary>
    public event EventHandler? Restarted;

    /// <summary>
    /// Starts the first worker and returns the functions it declares (or <c>functions.metadata</c>'s); a worker that
    /// does not start, connect and initialize within the start-up limit is a <see cref="DevHostException"/>.
    /// </summary>
    public async Task<IReadOnlyList<IndexedFunction>> StartAsync(CancellationToken cancellationToken)
    {
        var (worker, indexed) = await StartWorkerAsync(cancellationToken);
        _starting = worker;
        return indexed;
    }

    /// <summary>Loads <paramref name="functions"/> into the first worker, then starts watching it.</summary>
    public async Task LoadAsync(IReadOnlyList<IndexedFunction> functions, CancellationToken cancellationToken)
    {
        var worker = _starting ?? throw new InvalidOperationException("StartAsync first");
        _functions = functions;
        _functionIds = functions.ToDictionary(function => function.Name, function => function.FunctionId, StringComparer.OrdinalIgnoreCase);
        using var timeout = new CancellationTokenSource(_startupTimeout + (_functionTimeout ?? TimeSpan.Zero));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await LoadFunctionsAsync(worker, linked.Token);
        Publish(worker);
        _supervision = Task.Run(SuperviseAsync, CancellationToken.None);
    }

    /// <summary>
    /// Waits up to <paramref name="limit"/> for a loaded worker (one may be restarting); null if there is none by
    /// then, or if the DevHost has given up on the worker.
    /// </summary>
    public async Task<ActiveWorker?> WaitForWorkerAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var ready = Volatile.Read(ref _ready).Task;
        if (ready.IsCompletedSuccessfully)
        {
            return ready.Result;
        }

        try
        {
            return await ready.WaitAsync(limit, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or WorkerChannelClosedException)
        {
            return null;
        }
    }

    public async Task<InvocationResult> InvokeAsync(string functionName, InvocationInput input, CancellationToken cancellationToken)
    {
        ActiveWorker worker;
        try
        {
            worker = await Volatile.Read(ref _ready).Task.WaitAsync(cancellationToken);
        }
        catch (WorkerChannelClosedException exception)
        {
            return InvocationResult.Failure(exception.Message);
        }

        return await InvokeOnAsync(worker, functionName, input, cancellationToken);
    }

    /// <summary>Sends one <c>InvocationRequest</c> to <paramref name="worker"/> and waits for its response.</summary>
    public async Task<InvocationResult> InvokeOnAsync(ActiveWorker worker, string functionName, InvocationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(input);
        if (!_functionIds.TryGetValue(functionName, out var functionId))
        {
            return InvocationResult.Failure($"no function named '{functionName}' was loaded");
        }

        if (worker.LoadErrors.TryGetValue(functionName, out var loadError))
        {
            return InvocationResult.Failure($"the worker could not load the function: {loadError}");
        }

        var request = new InvocationRequest
        {
            InvocationId = input.InvocationId ?? Guid.NewGuid().ToString(),
            FunctionId = functionId,
            TraceContext = InvocationTraceContext.Create(input.TraceParent, input.TraceState, functionName),
        };
        input.CopyTo(request.InputData, request.TriggerMetadata);
        var started = _clock.GetTimestamp();
        var result = await worker.Channel.InvokeAsync(request, functionName, _functionTimeout, _clock, cancellationToken);
        var elapsed = _clock.GetElapsedTime(started).TotalMilliseconds;
        if (result.Succeeded)
        {
            Log.Succeeded(_logger, functionName, request.InvocationId, elapsed);
        }
        else
        {
            Log.Failed(_logger, functionName, request.InvocationId, elapsed, result.Error);
        }

        return result;
    }

    /// <summary>The gRPC side: a worker has opened its event stream; its first message must name a worker we started.</summary>
    public async Task AcceptStreamAsync(IAsyncStreamReader<StreamingMessage> reader, IServerStreamWriter<StreamingMessage> writer, CancellationToken cancellationToken)
    {
        if (!await reader.MoveNext(cancellationToken))
        {
            return;
        }

        var first = reader.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            Log.NoStartStream(_logger, first.ContentCase.ToString());
            return;
        }

        if (!_expected.TryRemove(first.StartStream.WorkerId, out var channel))
        {
            Log.UnknownWorker(_logger, first.StartStream.WorkerId);
            return;
        }

        await channel.RunAsync(reader, writer, cancellationToken);
    }

    /// <summary>Sends <c>WorkerTerminate</c>, waits the grace period, then kills the process tree.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        Volatile.Read(ref _ready).TrySetException(new WorkerChannelClosedException("the DevHost is stopping"));
        var worker = Volatile.Read(ref _current) ?? _starting;
        if (worker is not null)
        {
            worker.Channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TerminateGracePeriod) } });
            await worker.Process.StopAsync(TerminateGracePeriod, cancellationToken);
            worker.Channel.Close("the DevHost stopped the worker");
        }

        if (Volatile.Read(ref _startingProcess) is { } starting)
        {
            await starting.StopAsync(TimeSpan.Zero, cancellationToken);
        }

        await _supervision;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        if (Volatile.Read(ref _current) is { } worker)
        {
            await worker.Process.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var worker = Volatile.Read(ref _current);
        while (true)
        {
            var exitCode = -1;
            if (worker is not null)
            {
                await Task.WhenAny(worker.Process.Exited, worker.Channel.Closed);
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // No new invocation goes to it from now on; those in flight fail as its stream ends.
                Interlocked.Exchange(ref _ready, new(TaskCreationOptions.RunContinuationsAsynchronously));
                var reason = worker.Channel.Closed.IsCompleted ? worker.Channel.Closed.Result : null;
                worker.Process.Kill();
                exitCode = await worker.Process.Exited;
                worker.Channel.Close("the worker process exited");
                Log.WorkerDied(_logger, worker.Process.Id, WorkerProcess.DescribeExit(exitCode), worker.Process.LastLine ?? "(no output)", reason ?? "process exited");
                await worker.Process.DisposeAsync();
            }

            if (!RecordFailure())
            {
                Log.GivingUp(_logger, MaxFailures, FailureWindow);
                Volatile.Read(ref _ready).TrySetException(new WorkerChannelClosedException($"the worker failed {MaxFailures} times within {FailureWindow}; the DevHost gave up on it"));
                _gaveUp.TrySetResult(exitCode);
                return;
            }

            try
            {
                var wait = _lastStart + RestartInterval - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stopping.Token);
                }

                var (restarted, _) = await StartWorkerAsync(_stopping.Token);
                using var timeout = new CancellationTokenSource(_startupTimeout);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timeout.Token);
                await LoadFunctionsAsync(restarted, linked.Token);
                worker = restarted;
                Interlocked.Increment(ref _restarts);
                Publish(restarted);
                Log.Restarted(_logger, restarted.Process.Id, RestartCount);
                Restarted?.Invoke(this, EventArgs.Empty);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DevHostException or WorkerChannelClosedException or OperationCanceledException)
            {
                Log.RestartFailed(_logger, exception.Message);
                worker = null;
            }
        }
    }

    private bool RecordFailure()
    {
        var now = DateTimeOffset.UtcNow;
        _failures.RemoveAll(at => now - at > FailureWindow);
        _failures.Add(now);
        return _failures.Count < MaxFailures;
    }

    private void Publish(ActiveWorker worker)
    {
        Volatile.Write(ref _current, worker);
        Volatile.Read(ref _ready).TrySetResult(worker);
    }

    /// <summary>Starts a process, waits for its stream, initializes and indexes it, all within the start-up limit.</summary>
    private async Task<(ActiveWorker Worker, IReadOnlyList<IndexedFunction> Indexed)> StartWorkerAsync(CancellationToken cancellationToken)
    {
        var serverUri = ServerUri ?? throw new InvalidOperationException("ServerUri is not set");
        var workerId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, _loggerFactory);
        _expected[workerId] = channel;
        var launch = CreateLaunch(serverUri, workerId);
        _lastStart = DateTimeOffset.UtcNow;
        var process = WorkerProcess.Start(launch, _logger);
        Volatile.Write(ref _startingProcess, process);
        using var timeout = new CancellationTokenSource(_startupTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await UntilExitAsync(process, channel.Connected, "connected", linked.Token);
            var init = await UntilExitAsync(process, channel.InitAsync(CreateInitRequest(), linked.Token), "initialized", linked.Token);
            if (init.Result?.Status != StatusResult.Types.Status.Success)
            {
                throw new DevHostException($"The worker (pid {process.Id}) failed to initialize: {WorkerChannel.Describe(init.Result)}");
            }

            var capabilities = init.Capabilities.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
            Uri? httpUri = null;
            if (capabilities.TryGetValue("HttpUri", out var declared) && declared.Length > 0
                && !Uri.TryCreate(declared, UriKind.Absolute, out httpUri))
            {
                throw new DevHostException($"The worker declared HttpUri '{declared}', which is not an absolute URI.");
            }

            var worker = new ActiveWorker(process, channel, capabilities) { HttpUri = httpUri };
            var declaredCapabilities = string.Join(", ", capabilities.Keys.Order(StringComparer.Ordinal));
            var initializedAfter = (DateTimeOffset.UtcNow - process.StartedAt).TotalMilliseconds;
            Log.Initialized(_logger, process.Id, initializedAfter, declaredCapabilities);

            var indexed = await IndexAsync(process, channel, linked.Token);
            Volatile.Write(ref _startingProcess, null);
            return (worker, indexed);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await process.StopAsync(TimeSpan.Zero, CancellationToken.None);
            throw new DevHostException(string.Create(CultureInfo.InvariantCulture, $"The worker (pid {process.Id}) did not connect, initialize and index within {_startupTimeout.TotalSeconds:F0} s (WorkerStartupTimeout){process.LastLines()}"));
        }
        catch
        {
            _expected.TryRemove(workerId, out _);
            await process.StopAsync(TimeSpan.Zero, CancellationToken.None);
            channel.Close("the worker did not start");
            throw;
        }
    }

    /// <summary>Worker indexing when worker.config.json asks for it, with functions.metadata as the fallback, as the host does.</summary>
    private async Task<IReadOnlyList<IndexedFunction>> IndexAsync(WorkerProcess process, WorkerChannel channel, CancellationToken cancellationToken)
    {
        if (!_app.Worker.WorkerIndexing)
        {
            return FunctionAppMetadata.ReadFunctionsMetadataFile(_app.ScriptRoot);
        }

        var response = await UntilExitAsync(process, channel.IndexAsync(_app.ScriptRoot, cancellationToken), "indexed its functions", cancellationToken);
        if (response.Result is { Status: not StatusResult.Types.Status.Success } failed)
        {
            Log.IndexingFailed(_logger, WorkerChannel.Describe(failed));
            return FunctionAppMetadata.ReadFunctionsMetadataFile(_app.ScriptRoot);
        }

        if (response.UseDefaultMetadataIndexing)
        {
            return FunctionAppMetadata.ReadFunctionsMetadataFile(_app.ScriptRoot);
        }

        var functions = new List<IndexedFunction>();
        foreach (var function in response.FunctionMetadataResults)
        {
            if (function.Status is { Status: StatusResult.Types.Status.Failure } status)
            {
                Log.FunctionIndexingFailed(_logger, function.Name, WorkerChannel.Describe(status));
            }

            functions.Add(new IndexedFunction(
                function.Name,
                function.FunctionId.Length > 0 ? function.FunctionId : Guid.NewGuid().ToString(),
                function.ScriptFile,
                function.EntryPoint,
                function.Directory,
                function.Language,
                [.. function.RawBindings],
                function.Properties.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal)));
        }

        return functions;
    }

    /// <summary>One <c>FunctionLoadRequest</c> per function (the .NET worker takes no collection), then every answer.</summary>
    private async Task LoadFunctionsAsync(ActiveWorker worker, CancellationToken cancellationToken)
    {
        var loads = _functions.Select(function => (function.Name, Task: worker.Channel.LoadAsync(CreateLoadRequest(function), cancellationToken))).ToList();
        foreach (var (name, task) in loads)
        {
            var response = await UntilExitAsync(worker.Process, task, "loaded the functions", cancellationToken);
            if (response.Result?.Status != StatusResult.Types.Status.Success)
            {
                var error = WorkerChannel.Describe(response.Result);
                worker.LoadErrors[name] = error;
                Log.LoadFailed(_logger, name, error);
            }
        }

        // The worker declares its HTTP URI before its HTTP server listens; requests go there only once it does.
        if (worker.HttpUri is { } httpUri)
        {
            await UntilExitAsync(worker.Process, WaitUntilListeningAsync(httpUri, cancellationToken), "opened its HTTP port", cancellationToken);
        }

        Log.Loaded(_logger, worker.Process.Id, loads.Count, (DateTimeOffset.UtcNow - worker.Process.StartedAt).TotalMilliseconds);
    }

    private static async Task<bool> WaitUntilListeningAsync(Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(uri.Host, uri.Port, cancellationToken);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    private static FunctionLoadRequest CreateLoadRequest(IndexedFunction function)
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = function.Name,
            Directory = function.Directory,
            EntryPoint = function.EntryPoint,
            ScriptFile = function.ScriptFile,
            IsProxy = false,
            Language = function.Language,
            FunctionId = function.FunctionId,
        };

        // As the host's BindingInfo: type, direction and data type of each binding, keyed by its name.
        foreach (var raw in function.RawBindings)
        {
            using var document = System.Text.Json.JsonDocument.Parse(raw, JsonReading.DocumentOptions);
            var binding = document.RootElement;
            var name = binding.FindString("name") ?? string.Empty;
            var direction = binding.FindString("direction")?.ToUpperInvariant() switch
            {
                "OUT" => BindingInfo.Types.Direction.Out,
                "INOUT" => BindingInfo.Types.Direction.Inout,
                _ => BindingInfo.Types.Direction.In,
            };
            var dataType = FunctionAppMetadata.ParseDataType(binding) switch
            {
                BindingDataType.String => BindingInfo.Types.DataType.String,
                BindingDataType.Binary => BindingInfo.Types.DataType.Binary,
                BindingDataType.Stream => BindingInfo.Types.DataType.Stream,
                _ => BindingInfo.Types.DataType.Undefined,
            };
            metadata.Bindings[name] = new BindingInfo { Type = binding.FindString("type") ?? string.Empty, Direction = direction, DataType = dataType };
        }

        foreach (var (key, value) in function.Properties)
        {
            metadata.Properties[key] = value;
        }

        return new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = metadata };
    }

    private WorkerInitRequest CreateInitRequest()
    {
        var request = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            WorkerDirectory = _app.Worker.WorkerDirectory,
            FunctionAppDirectory = _app.ScriptRoot,
        };

        // The one capability the host always declares; the DevHost, like the .NET worker, uses a single stream.
        request.Capabilities["MultiStream"] = "10";
        return request;
    }

    /// <summary>
    /// The host's command line: executable, its arguments, the quoted worker path, the worker arguments, then the
    /// connection arguments in both spellings; and the app settings plus the host's variables as the environment.
    /// </summary>
    private WorkerLaunch CreateLaunch(Uri serverUri, string workerId)
    {
        var worker = _app.Worker;
        var requestId = Guid.NewGuid().ToString();
        var maxLength = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var port = serverUri.Port.ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string>();
        arguments.AddRange(worker.Arguments.Select(System.Environment.ExpandEnvironmentVariables));
        if (worker.WorkerPath is { } path)
        {
            arguments.Add(path);
        }

        arguments.AddRange(worker.WorkerArguments.Select(System.Environment.ExpandEnvironmentVariables));
        arguments.AddRange([
            "--host", serverUri.Host, "--port", port, "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxLength,
            "--functions-uri", serverUri.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", requestId, "--functions-grpc-max-message-length", maxLength,
        ]);

        var environment = new Dictionary<string, string?>(_settings.ForWorker, StringComparer.Ordinal)
        {
            ["FUNCTIONS_WORKER_DIRECTORY"] = worker.WorkerDirectory,
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = _app.ScriptRoot,
            ["AzureWebJobsScriptRoot"] = _app.ScriptRoot,
        };
        if (!_settings.Values.ContainsKey("FUNCTIONS_WORKER_RUNTIME") && worker.Language.Length > 0)
        {
            environment["FUNCTIONS_WORKER_RUNTIME"] = worker.Language;
        }

        return new WorkerLaunch(worker.ExecutablePath, arguments, _app.ScriptRoot, environment);
    }

    /// <summary>Awaits a start-up step, failing at once with the worker's last output if the process ends first.</summary>
    private static async Task<T> UntilExitAsync<T>(WorkerProcess process, Task<T> step, string what, CancellationToken cancellationToken)
    {
        await UntilExitAsync(process, (Task)step, what, cancellationToken);
        return await step;
    }

    private static async Task UntilExitAsync(WorkerProcess process, Task step, string what, CancellationToken cancellationToken)
    {
        var finished = await Task.WhenAny(step, process.Exited).WaitAsync(cancellationToken);
        if (finished == process.Exited && !step.IsCompleted)
        {
            throw new DevHostException($"The worker (pid {process.Id}) ended with {WorkerProcess.DescribeExit(await process.Exited)} before it {what}{process.LastLines()}");
        }

        try
        {
            await step;
        }
        catch (WorkerChannelClosedException exception)
        {
            throw new DevHostException($"The worker (pid {process.Id}) went away before it {what}: {exception.Message}{process.LastLines()}", exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Worker (pid {ProcessId}) initialized {ElapsedMs:F0} ms after start; capabilities: {Capabilities}")]
        public static partial void Initialized(ILogger logger, int processId, double elapsedMs, string capabilities);

        [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "Worker (pid {ProcessId}) loaded {FunctionCount} functions {ElapsedMs:F0} ms after start")]
        public static partial void Loaded(ILogger logger, int processId, int functionCount, double elapsedMs);

        [LoggerMessage(EventId = 212, Level = LogLevel.Error, Message = "The worker (pid {ProcessId}) died: {Exit}; last output: {LastLine} ({Reason})")]
        public static partial void WorkerDied(ILogger logger, int processId, string exit, string lastLine, string reason);

        [LoggerMessage(EventId = 213, Level = LogLevel.Warning, Message = "Worker restarted (pid {ProcessId}, restart {RestartCount})")]
        public static partial void Restarted(ILogger logger, int processId, int restartCount);

        [LoggerMessage(EventId = 214, Level = LogLevel.Error, Message = "Restarting the worker failed: {Error}")]
        public static partial void RestartFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 215, Level = LogLevel.Critical, Message = "The worker failed {MaxFailures} times within {Window}; giving up (as the host does, which then recycles itself)")]
        public static partial void GivingUp(ILogger logger, int maxFailures, TimeSpan window);

        [LoggerMessage(EventId = 216, Level = LogLevel.Warning, Message = "Worker indexing failed ({Error}); reading functions.metadata instead")]
        public static partial void IndexingFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 217, Level = LogLevel.Error, Message = "The worker failed to index function {FunctionName}: {Error}")]
        public static partial void FunctionIndexingFailed(ILogger logger, string functionName, string error);

        [LoggerMessage(EventId = 218, Level = LogLevel.Error, Message = "The worker failed to load function {FunctionName}: {Error}")]
        public static partial void LoadFailed(ILogger logger, string functionName, string error);

        [LoggerMessage(EventId = 219, Level = LogLevel.Warning, Message = "A worker opened a stream with {MessageType} instead of StartStream; closed")]
        public static partial void NoStartStream(ILogger logger, string messageType);

        [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "A stream from unknown worker id {WorkerId}; closed")]
        public static partial void UnknownWorker(ILogger logger, string workerId);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Executed '{FunctionName}' (Succeeded, Id={InvocationId}, Duration={ElapsedMs:F0}ms)")]
        public static partial void Succeeded(ILogger logger, string functionName, string invocationId, double elapsedMs);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Executed '{FunctionName}' (Failed, Id={InvocationId}, Duration={ElapsedMs:F0}ms): {Error}")]
        public static partial void Failed(ILogger logger, string functionName, string invocationId, double elapsedMs, string? error);
    }
}
