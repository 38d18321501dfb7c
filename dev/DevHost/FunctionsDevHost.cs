using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Http;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Timers;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost;

/// <summary>
/// A local stand-in for the Azure Functions host running an isolated-worker app: it starts the worker and speaks
/// the host's gRPC protocol to it, proxies the HTTP triggers to the worker's HTTP server, polls the queue triggers
/// and fires the timer triggers.
/// </summary>
public sealed partial class FunctionsDevHost : IAsyncDisposable
{
    /// <summary>The Functions host's request size limit.</summary>
    private const long MaxRequestBodySize = 100 * 1024 * 1024;

    private readonly WebApplication _http;
    private readonly WebApplication _grpc;
    private readonly WorkerSupervisor _supervisor;
    private readonly HttpMessageInvoker _client;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _listeners = [];
    private readonly ILogger _logger;
    private TimeProvider _clock = TimeProvider.System;
    private Task? _stopTask;

    private FunctionsDevHost(FunctionAppMetadata metadata, AppSettings settings, WebApplication http, WebApplication grpc, WorkerSupervisor supervisor, HttpMessageInvoker client, string baseUrl, ILogger logger)
    {
        Metadata = metadata;
        Settings = settings;
        _http = http;
        _grpc = grpc;
        _supervisor = supervisor;
        _client = client;
        BaseUrl = baseUrl;
        _logger = logger;
    }

    /// <summary>Where the HTTP triggers are served, e.g. <c>http://127.0.0.1:7071</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>The functions the worker declared, in its order.</summary>
    public IReadOnlyList<FunctionDefinition> Functions => Metadata.Functions;

    /// <summary>host.json, worker.config.json and the functions, as loaded.</summary>
    public FunctionAppMetadata Metadata { get; }

    /// <summary>The merged app settings (local.settings.json, then the environment, then the options).</summary>
    public AppSettings Settings { get; }

    /// <summary>The process id of the worker serving invocations now (null while it is being restarted).</summary>
    public int? WorkerProcessId => _supervisor.Current?.Process.Id;

    /// <summary>When the current worker process was started (system clock); null while it is being restarted.</summary>
    public DateTimeOffset? WorkerStartedAt => _supervisor.Current?.Process.StartedAt;

    /// <summary>How many times the worker has been started again after it died.</summary>
    public int WorkerRestartCount => _supervisor.RestartCount;

    /// <summary>Raised when a restarted worker has loaded the functions and serves again.</summary>
    public event EventHandler? WorkerRestarted
    {
        add => _supervisor.Restarted += value;
        remove => _supervisor.Restarted -= value;
    }

    /// <summary>
    /// Completes with the worker's last exit code when it has died too often to be restarted (3 times in 30 minutes,
    /// as the host counts); the triggers have stopped then, and HTTP triggers answer 503.
    /// </summary>
    public Task<int> WorkerFailed => _supervisor.GaveUp;

    /// <summary>One line per function saying how it is reached, as the CLI prints them.</summary>
    public IReadOnlyList<string> DescribeFunctions() =>
        [.. Functions.Select(function => function.Describe(BaseUrl, Metadata.Host.RoutePrefix))];

    /// <summary>
    /// Reads the app, starts the gRPC server and the worker, initializes it, takes its functions and loads them; then
    /// serves the HTTP triggers (the HTTP server starts only now, so it never answers for functions not loaded yet)
    /// and starts the queue and timer triggers. Throws <see cref="DevHostException"/> with one clear line when
    /// anything is wrong with the app or the worker.
    /// </summary>
    public static async Task<FunctionsDevHost> StartAsync(DevHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Serverless.DevHost");
        var clock = options.TimeProvider;

        var settings = AppSettings.Load(
            options.SettingsPath,
            Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"),
            Environment.GetEnvironmentVariables(),
            options.Settings);
        var metadata = FunctionAppMetadata.Load(options.ScriptRoot, settings);

        // Check the queue connections in functions.metadata before the worker starts, so a bad connection string
        // fails in milliseconds rather than after the worker's start-up.
        if (File.Exists(Path.Combine(metadata.ScriptRoot, FunctionAppMetadata.FunctionsMetadataFileName)))
        {
            var declared = metadata.WithFunctions(FunctionAppMetadata.ReadFunctionsMetadataFile(metadata.ScriptRoot), settings, clock.GetUtcNow());
            CreateTransports(options, declared, settings);
        }

        var supervisor = new WorkerSupervisor(metadata, settings, options.WorkerStartupTimeout, clock, loggerFactory);
        var client = HttpForwarder.CreateClient();
        WebApplication? grpc = null;
        WebApplication? http = null;
        try
        {
            grpc = BuildGrpcApplication(supervisor, loggerFactory);
            await grpc.StartAsync(cancellationToken);
            supervisor.ServerUri = new Uri(ServerAddress(grpc));

            var indexed = await supervisor.StartAsync(cancellationToken);
            metadata = metadata.WithFunctions(indexed, settings, clock.GetUtcNow());
            var transports = CreateTransports(options, metadata, settings);
            await supervisor.LoadAsync(metadata.Indexed, cancellationToken);

            var forwarder = new HttpForwarder(client, FunctionKeys.FromSettings(settings), supervisor, metadata.Host.FunctionTimeout, options.WorkerStartupTimeout, clock, loggerFactory.CreateLogger("Serverless.DevHost.Http"));
            var port = options.Port ?? settings.LocalHttpPort ?? 7071;
            http = BuildHttpApplication(metadata, forwarder, port, loggerFactory);
            try
            {
                await http.StartAsync(cancellationToken);
            }
            catch (IOException exception)
            {
                throw new DevHostException($"Cannot listen on http://127.0.0.1:{port}: {exception.Message} (choose another with --port)", exception);
            }

            var host = new FunctionsDevHost(metadata, settings, http, grpc, supervisor, client, ServerAddress(http).TrimEnd('/'), logger);
            host.StartTriggers(transports, clock, loggerFactory);
            Log.Started(logger, host.BaseUrl, metadata.Functions.Count, metadata.ScriptRoot);
            return host;
        }
        catch
        {
            if (http is not null)
            {
                await http.DisposeAsync();
            }

            await supervisor.DisposeAsync();
            if (grpc is not null)
            {
                await grpc.DisposeAsync();
            }

            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a timer function once, now, as the host's <c>POST /admin/functions/{name}</c> does (not past due, no
    /// schedule status); returns whether the worker reported success, with its log lines. Its schedule goes on as before.
    /// </summary>
    public async Task<(bool Succeeded, string? Error, IReadOnlyList<string> Logs)> RunTimerNowAsync(string functionName, CancellationToken cancellationToken = default)
    {
        var function = Functions.FirstOrDefault(candidate => string.Equals(candidate.Name, functionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new DevHostException($"No function named '{functionName}'.");
        if (function.Trigger is not TimerTrigger timer)
        {
            throw new DevHostException($"Function '{function.Name}' is not a timer trigger.");
        }

        var result = await _supervisor.InvokeAsync(function.Name, TriggerInputs.Timer(timer, status: null, isPastDue: false), cancellationToken);
        return (result.Succeeded, result.Error, result.Logs);
    }

    /// <summary>Stops the triggers (releasing messages in flight), the HTTP server, then the worker (WorkerTerminate, then kill) and the gRPC server.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_listeners)
        {
            _stopTask ??= StopCoreAsync(cancellationToken);
            return _stopTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_listeners);
        await _http.StopAsync(cancellationToken);
        await _http.DisposeAsync();
        await _supervisor.DisposeAsync();
        await _grpc.StopAsync(cancellationToken);
        await _grpc.DisposeAsync();
        _client.Dispose();
        Log.Stopped(_logger);
    }

    private void StartTriggers(Dictionary<string, IQueueTransport> transports, TimeProvider clock, ILoggerFactory loggerFactory)
    {
        var timeout = Metadata.Host.FunctionTimeout;
        _clock = clock;
        foreach (var function in Functions)
        {
            switch (function.Trigger)
            {
                case QueueTrigger queue:
                    var transport = transports[FunctionAppMetadata.ResolveConnectionString(queue.Connection, Settings)!];
                    var queueListener = new QueueListener(function, Metadata.Host.Queues, transport, _supervisor, timeout, clock, loggerFactory.CreateLogger("Serverless.DevHost.Queue"));
                    _listeners.Add(Task.Run(() => queueListener.RunAsync(_stopping.Token)));
                    break;
                case TimerTrigger:
                    var timerListener = new TimerListener(function, _supervisor, clock, loggerFactory.CreateLogger("Serverless.DevHost.Timer"));
                    _listeners.Add(Task.Run(() => timerListener.RunAsync(_stopping.Token)));
                    break;
            }
        }

        // Without a worker every invocation would fail; stop polling rather than push the queues into poison.
        _ = _supervisor.GaveUp.ContinueWith(
            _ =>
            {
                Log.TriggersStopped(_logger);
                _stopping.Cancel();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static Dictionary<string, IQueueTransport> CreateTransports(DevHostOptions options, FunctionAppMetadata metadata, AppSettings settings)
    {
        var transports = new Dictionary<string, IQueueTransport>(StringComparer.Ordinal);
        foreach (var function in metadata.Functions)
        {
            if (function.Trigger is QueueTrigger queue)
            {
                var connectionString = FunctionAppMetadata.ResolveConnectionString(queue.Connection, settings)!;
                if (!transports.ContainsKey(connectionString))
                {
                    transports[connectionString] = options.QueueTransportFactory?.Invoke(connectionString) ?? CreateAzureTransport(function, queue, connectionString);
                }
            }
        }

        return transports;
    }

    private static AzureQueueTransport CreateAzureTransport(FunctionDefinition function, QueueTrigger queue, string connectionString)
    {
        try
        {
            return new AzureQueueTransport(connectionString);
        }
        catch (DevHostException exception)
        {
            throw new DevHostException($"Function '{function.Name}': setting '{queue.Connection}' does not hold a valid storage connection string (UseDevelopmentStorage=true for Azurite).", exception);
        }
    }

    private static string ServerAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The FunctionRpc server the worker connects to: HTTP/2 without TLS on a free loopback port.</summary>
    private static WebApplication BuildGrpcApplication(WorkerSupervisor supervisor, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, NullHostLifetime>());

        // The host passes int.MaxValue as the worker's limit; take whatever the worker sends.
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(supervisor);
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        return app;
    }

    private static WebApplication BuildHttpApplication(FunctionAppMetadata metadata, HttpForwarder forwarder, int port, ILoggerFactory loggerFactory)
    {
        // The empty builder reads no appsettings, environment or command line, so nothing of the caller's
        // configuration (ASPNETCORE_URLS, say) changes where or how the DevHost listens.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = metadata.ScriptRoot });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));

        // No console lifetime: Ctrl+C belongs to whoever hosts us (the CLI or a test run).
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, NullHostLifetime>());

        var app = builder.Build();
        forwarder.MapFunctions(app, metadata.Functions, metadata.Host.RoutePrefix);
        return app;
    }

    private sealed class NullHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "DevHost listening on {BaseUrl}: {FunctionCount} functions from {ScriptRoot}")]
        public static partial void Started(ILogger logger, string baseUrl, int functionCount, string scriptRoot);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "DevHost stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The worker could not be kept running: queue and timer triggers stopped; HTTP triggers answer 503")]
        public static partial void TriggersStopped(ILogger logger);
    }
}
