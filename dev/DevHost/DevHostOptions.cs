using Microsoft.Extensions.Logging;
using Serverless.DevHost.Queues;

namespace Serverless.DevHost;

/// <summary>What <see cref="FunctionsDevHost.StartAsync"/> needs: the function app and where to listen.</summary>
public sealed class DevHostOptions
{
    /// <summary>The isolated-worker Functions app's build or publish output: host.json, worker.config.json, functions.metadata.</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>Port to listen on at 127.0.0.1; 0 for any free port. Null: local.settings.json <c>Host.LocalHttpPort</c>, else 7071.</summary>
    public int? Port { get; init; }

    /// <summary>A local.settings.json to read; it must exist. Null: the current directory's, if there is one.</summary>
    public string? SettingsPath { get; init; }

    /// <summary>Settings that win over local.settings.json and the environment; a null value removes a setting.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>
    /// The clock for the triggers: timer schedules, queue polling and visibility, invocation timeouts. The worker
    /// process is always supervised on the system clock, since a real process does not wait for a fake one.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the DevHost, the worker's output and the worker's logs are written; nowhere if null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Makes the queue transport for a connection string (the value of a queue trigger's connection setting).
    /// Null: Azure.Storage.Queues, which also serves Azurite's <c>UseDevelopmentStorage=true</c>.
    /// Tests pass an <see cref="InMemoryQueueTransport"/> here.
    /// </summary>
    public Func<string, IQueueTransport>? QueueTransportFactory { get; init; }

    /// <summary>
    /// How long a worker may take from process start to connected, initialized and indexed (and again to load the
    /// functions). The JIT-compiled worker starts in seconds; a loaded machine can take much longer.
    /// </summary>
    public TimeSpan WorkerStartupTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
