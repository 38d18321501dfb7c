using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Handler;
using Serverless.DevHost.Http;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Payloads;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost;

/// <summary>
/// A local stand-in for the Azure Functions host running a custom handler: it starts the handler, forwards the
/// HTTP triggers to it, polls the queue triggers and fires the timer triggers, sending the host's payloads.
/// </summary>
public sealed partial class FunctionsDevHost : IAsyncDisposable
{
    /// <summary>The Functions host's request size limit.</summary>
    private const long MaxRequestBodySize = 100 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly HandlerProcess _handler;
    private readonly HttpMessageInvoker _client;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _listeners = [];
    private readonly ILogger _logger;
    private HandlerInvoker? _invoker;
    private TimeProvider _clock = TimeProvider.System;
    private Task? _stopTask;

    private FunctionsDevHost(FunctionAppMetadata metadata, AppSettings settings, WebApplication app, HandlerProcess handler, HttpMessageInvoker client, string baseUrl, ILogger logger)
    {
        Metadata = metadata;
        Settings = settings;
        _app = app;
        _handler = handler;
        _client = client;
        BaseUrl = baseUrl;
        _logger = logger;
    }

    /// <summary>Where the HTTP triggers are served, e.g. <c>http://127.0.0.1:7071</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>The functions that were loaded, in folder-name order.</summary>
    public IReadOnlyList<FunctionDefinition> Functions => Metadata.Functions;

    /// <summary>host.json and the functions, as loaded.</summary>
    public FunctionAppMetadata Metadata { get; }

    /// <summary>The merged app settings (local.settings.json, then the environment, then the options).</summary>
    public AppSettings Settings { get; }

    /// <summary>The port the handler listens on (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>).</summary>
    public int HandlerPort => _handler.Port;

    /// <summary>
    /// Completes with the handler's exit code when it ends. If it ends on its own, the triggers stop polling, so
    /// queued work is not failed into the poison queue while nothing can handle it.
    /// </summary>
    public Task<int> HandlerExited => _handler.Exited;

    /// <summary>One line per function saying how it is reached, as the CLI prints them.</summary>
    public IReadOnlyList<string> DescribeFunctions() =>
        [.. Functions.Select(function => function.Describe(BaseUrl, Metadata.Host.RoutePrefix))];

    /// <summary>
    /// Loads the function app, starts the handler and waits until it answers, then serves the triggers.
    /// Throws <see cref="DevHostException"/> with one clear line when anything is wrong with the app or the handler.
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
        var metadata = FunctionAppMetadata.Load(options.ScriptRoot, settings, clock.GetUtcNow());
        var launch = HandlerCommandResolver.Resolve(options, metadata, settings);

        // Make the transports before the handler starts, so a bad connection string fails in milliseconds.
        var transports = CreateTransports(options, metadata, settings);

        var client = HandlerInvoker.CreateClient();
        HandlerProcess? handler = null;
        WebApplication? app = null;
        try
        {
            handler = await HandlerProcess.StartAsync(
                launch,
                client,
                options.HandlerStartupTimeout,
                TimeProvider.System,
                loggerFactory.CreateLogger("Serverless.DevHost.Handler"),
                cancellationToken);

            var forwarder = new HttpForwarder(client, FunctionKeys.FromSettings(settings), handler.BaseUri, metadata.Host.FunctionTimeout, clock, loggerFactory.CreateLogger("Serverless.DevHost.Http"));
            var port = options.Port ?? settings.LocalHttpPort ?? 7071;
            app = BuildWebApplication(metadata, forwarder, port, loggerFactory);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException exception)
            {
                throw new DevHostException($"Cannot listen on http://127.0.0.1:{port}: {exception.Message} (choose another with --port)", exception);
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var host = new FunctionsDevHost(metadata, settings, app, handler, client, address.TrimEnd('/'), logger);
            host.StartTriggers(transports, clock, loggerFactory);
            Log.Started(logger, host.BaseUrl, metadata.Functions.Count, metadata.ScriptRoot);
            return host;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (handler is not null)
            {
                await handler.DisposeAsync();
            }

            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a timer function once, now, as the host's <c>POST /admin/functions/{name}</c> does (not past due, no
    /// schedule status); returns whether the handler reported success, with its logs. Its schedule goes on as before.
    /// </summary>
    public async Task<(bool Succeeded, string? Error, IReadOnlyList<string> Logs)> RunTimerNowAsync(string functionName, CancellationToken cancellationToken = default)
    {
        var function = Functions.FirstOrDefault(candidate => string.Equals(candidate.Name, functionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new DevHostException($"No function named '{functionName}'.");
        if (function.Trigger is not TimerTrigger timer || _invoker is null)
        {
            throw new DevHostException($"Function '{function.Name}' is not a timer trigger.");
        }

        var payload = InvocationPayloads.BuildTimerPayload(function.Name, timer.BindingName, timer.Schedule, status: null, isPastDue: false, _clock.GetUtcNow(), Guid.NewGuid());
        var result = await _invoker.InvokeAsync(function.Name, payload, cancellationToken);
        return (result.Succeeded, result.Error, result.Logs);
    }

    /// <summary>Stops the triggers (releasing messages in flight), the HTTP server and then the handler.</summary>
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
        await _app.StopAsync(cancellationToken);
        await _app.DisposeAsync();
        await _handler.StopAsync(cancellationToken);
        await _handler.DisposeAsync();
        _client.Dispose();
        Log.Stopped(_logger);
    }

    private void StartTriggers(Dictionary<string, IQueueTransport> transports, TimeProvider clock, ILoggerFactory loggerFactory)
    {
        var timeout = Metadata.Host.FunctionTimeout;
        var invoker = new HandlerInvoker(_client, _handler.BaseUri, timeout, clock, loggerFactory.CreateLogger("Serverless.DevHost.Function"));
        _invoker = invoker;
        _clock = clock;
        foreach (var function in Functions)
        {
            switch (function.Trigger)
            {
                case QueueTrigger queue:
                    var transport = transports[FunctionAppMetadata.ResolveConnectionString(queue.Connection, Settings)!];
                    var queueListener = new QueueListener(function, Metadata.Host.Queues, transport, invoker, timeout, clock, loggerFactory.CreateLogger("Serverless.DevHost.Queue"));
                    _listeners.Add(Task.Run(() => queueListener.RunAsync(_stopping.Token)));
                    break;
                case TimerTrigger:
                    var timerListener = new TimerListener(function, invoker, clock, loggerFactory.CreateLogger("Serverless.DevHost.Timer"));
                    _listeners.Add(Task.Run(() => timerListener.RunAsync(_stopping.Token)));
                    break;
            }
        }

        // Without a handler every invocation would fail; stop polling rather than push the queues into poison.
        _ = _handler.Exited.ContinueWith(
            _ =>
            {
                if (!_handler.IsStopping)
                {
                    Log.TriggersStopped(_logger);
                    _stopping.Cancel();
                }
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

    private static WebApplication BuildWebApplication(FunctionAppMetadata metadata, HttpForwarder forwarder, int port, ILoggerFactory loggerFactory)
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

        [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The handler has exited: queue and timer triggers stopped; HTTP triggers answer 502")]
        public static partial void TriggersStopped(ILogger logger);
    }
}
