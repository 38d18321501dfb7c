using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.TestSupport.Telemetry;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The music environment with both processes (the DevHost's worker and the companion) sending their telemetry to an
/// <see cref="IngestionRecorder"/>, the local stand-in for Application Insights.
/// </summary>
public class TelemetryEnvironment : MusicEnvironment
{
    public IngestionRecorder Recorder { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        // Before the processes start: their settings carry its connection string.
        Recorder = IngestionRecorder.Start();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Recorder.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() =>
        TelemetrySettings().ToDictionary(pair => pair.Key, string? (pair) => pair.Value);

    protected override Dictionary<string, string> CompanionSettings()
    {
        var settings = base.CompanionSettings();
        foreach (var (key, value) in TelemetrySettings())
        {
            settings[key] = value;
        }

        return settings;
    }

    private Dictionary<string, string> TelemetrySettings() => new()
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Recorder.ConnectionString,
        // The exporter's own usage statistics go to a fixed Microsoft endpoint, not the connection string's: off, so
        // the tests call nothing outside the machine.
        ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
    };

    /// <summary>Sends a slash command signed and, when the bot deferred it, waits until its original is edited.</summary>
    public async Task<SentInteraction> CommandAsync(CommandInteraction command)
    {
        var sent = await Discord.Interactions.SendCommandAsync(command, InteractionsUrl);
        Assert.Equal(200, sent.StatusCode);
        if (sent.ResponseType == 5)
        {
            await Discord.WaitForCallAsync(call => call.Method == "PATCH" && call.InteractionToken == sent.Token && call.StatusCode == 200, Patience);
        }

        return sent;
    }
}

/// <summary>
/// Its own environment: it drives a few interactions once, then stops the companion and the DevHost gracefully, since
/// metrics are exported once a minute and on shutdown. Its tests read what was recorded by then.
/// </summary>
public sealed class TelemetryShutdownEnvironment : TelemetryEnvironment
{
    public const string TypedQuery = "sandbox:track?length=600000&title=Zanzibar Quokka Telemetry";

    private readonly Lazy<Task> _scenario;

    public TelemetryShutdownEnvironment()
    {
        _scenario = new(RunScenarioAsync);
    }

    /// <summary>The bot's replies the scenario saw (message content that must not reach telemetry).</summary>
    public List<string> Replies { get; } = [];

    /// <summary>Drives the scenario the first time it is asked for, then the processes are stopped and flushed.</summary>
    public Task ScenarioAsync() => _scenario.Value;

    private async Task RunScenarioAsync()
    {
        var ping = await Discord.Interactions.SendPingAsync(InteractionsUrl);
        Assert.Equal(200, ping.StatusCode);
        Replies.Add(Discord.State.GetOriginal((await CommandAsync(new CommandInteraction { Name = "ping" })).Token)!.Content!);
        Replies.Add(Discord.State.GetOriginal((await CommandAsync(new CommandInteraction { Name = "status" })).Token)!.Content!);
        Replies.Add(await MusicAsync("play", CommandOption.String("query", TypedQuery)));
        await WaitForTrackAsync("Zanzibar Quokka Telemetry");

        // The gateway heartbeats every two seconds: at least one ACK round trip before stopping, for the latency.
        var beats = Discord.Gateway.HeartbeatsReceived.Count;
        var deadline = DateTime.UtcNow + Patience;
        while (Discord.Gateway.HeartbeatsReceived.Count <= beats)
        {
            Assert.True(DateTime.UtcNow < deadline, "the companion sent no gateway heartbeat");
            await Task.Delay(100);
        }

        // The queue and heartbeat sampler runs once a minute; once now, so its gauges have a sample to report.
        var sampled = await Host.RunTimerNowAsync("queue-metrics");
        Assert.True(sampled.Succeeded, sampled.Error);

        await Companion.StopAsync();
        await Host.StopAsync();
    }
}
