using Microsoft.Extensions.Logging;
using Serverless.DevHost.Queues;

namespace Serverless.DevHost;

/// <summary>What <see cref="FunctionsDevHost.StartAsync"/> needs: the function app, the handler, and where to listen.</summary>
public sealed class DevHostOptions
{
    /// <summary>The function app folder: host.json plus one sub-folder per function holding function.json.</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>
    /// The handler executable. Null: host.json's <c>customHandler.description.defaultExecutablePath</c>, looked up
    /// in the script root and then on PATH, with its <c>arguments</c>. A relative path with a directory in it is
    /// taken from the current directory.
    /// </summary>
    public string? HandlerCommand { get; init; }

    /// <summary>Arguments for <see cref="HandlerCommand"/>, passed as they are; ignored when that is null.</summary>
    public IReadOnlyList<string>? HandlerArguments { get; init; }

    /// <summary>Port to listen on at 127.0.0.1; 0 for any free port. Null: local.settings.json <c>Host.LocalHttpPort</c>, else 7071.</summary>
    public int? Port { get; init; }

    /// <summary>A local.settings.json to read; it must exist. Null: the current directory's, if there is one.</summary>
    public string? SettingsPath { get; init; }

    /// <summary>Settings that win over local.settings.json and the environment; a null value removes a setting.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>
    /// The clock for the triggers: timer schedules, queue polling and visibility, invocation timeouts. The handler
    /// process is always supervised on the system clock, since a real process does not wait for a fake one.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the DevHost and the handler's output are logged; nowhere if null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Makes the queue transport for a connection string (the value of a queue trigger's connection setting).
    /// Null: Azure.Storage.Queues, which also serves Azurite's <c>UseDevelopmentStorage=true</c>.
    /// Tests pass an <see cref="InMemoryQueueTransport"/> here.
    /// </summary>
    public Func<string, IQueueTransport>? QueueTransportFactory { get; init; }

    /// <summary>How long the handler may take to answer <c>GET /</c> after it starts.</summary>
    public TimeSpan HandlerStartupTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
