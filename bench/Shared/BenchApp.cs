using Microsoft.Extensions.Logging;
using Serverless.DevHost;
using Serverless.DevHost.Queues;

namespace Serverless.Bench;

/// <summary>An isolated-worker app to start under the DevHost: its publish output and the app settings it needs.</summary>
internal sealed record BenchApp(string Name, string ScriptRoot, IReadOnlyDictionary<string, string?> Settings)
{
    /// <summary>
    /// What the app needs to pass start-up validation: the Discord key the PING is signed with and an
    /// application id. A PING touches no storage, but the storage setting is validated at start-up, so it names
    /// Azurite; the DevHost's queue triggers poll an in-memory transport (see <see cref="StartDevHostAsync"/>).
    /// </summary>
    public static BenchApp Ours(string scriptRoot, SignedPing ping) => new("ours", scriptRoot, new Dictionary<string, string?>
    {
        ["Discord__PublicKey"] = ping.PublicKeyHex,
        ["Discord__ApplicationId"] = SignedPing.ApplicationId,
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
    });

    /// <summary>The template verifies nothing; the host itself wants a storage setting.</summary>
    public static BenchApp Template(string scriptRoot) => new("template", scriptRoot, new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
    });

    /// <summary>This app with <paramref name="extra"/> added to its settings (the worker gets them as environment variables).</summary>
    public BenchApp With(IReadOnlyDictionary<string, string?> extra) =>
        extra.Count == 0 ? this : this with { Settings = Settings.Concat(extra).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value) };

    public static Uri InteractionsUri(FunctionsDevHost host) => new($"{host.BaseUrl}/api/interactions");

    /// <summary>
    /// Starts a DevHost (in this process, so it is JIT-warm after the first run) that starts the app's worker.
    /// Queue triggers poll in memory: a bench needs no Azurite, and polling an empty queue costs the worker nothing.
    /// </summary>
    public Task<FunctionsDevHost> StartDevHostAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        FunctionsDevHost.StartAsync(
            new DevHostOptions
            {
                ScriptRoot = ScriptRoot,
                Port = 0,
                Settings = Settings,
                LoggerFactory = loggerFactory,
                QueueTransportFactory = _ => new InMemoryQueueTransport(),
            },
            cancellationToken);

    /// <summary>Checks that <paramref name="scriptRoot"/> is an isolated-worker build or publish output.</summary>
    public static string? Problem(string scriptRoot) =>
        !Directory.Exists(scriptRoot) ? $"No folder {scriptRoot}: publish the app first."
        : !File.Exists(Path.Combine(scriptRoot, "worker.config.json")) ? $"{scriptRoot} has no worker.config.json: not an isolated-worker build output."
        : null;
}
