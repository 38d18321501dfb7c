using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Serverless.Companion.Controls;
using Serverless.Companion.Health;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Leadership;
using Serverless.Companion.Music;
using Serverless.Companion.Voice;
using Serverless.Companion.VoiceQueue;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Discord;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Hosting;
using Serverless.Ports.Sessions;
using Serverless.Storage.Queues;
using Serverless.Storage;
using Serverless.Observability;

namespace Serverless.Companion.Hosting;

/// <summary>The companion's composition root: gateway, voice, Lavalink, music, the voice queue, heartbeat and health.</summary>
public static class CompanionApp
{
    /// <summary>How long shutdown may take: a resumable gateway close, the last state saves and the final heartbeat.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(15);

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        UseJsonConsole(builder);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The named HttpClients would log every request URL, and interaction webhooks carry their token in it.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddCompanionServices(builder.Configuration);
        builder.Services.AddBotTelemetry(builder.Configuration, roleName: "companion");

        return builder;
    }

    /// <summary>
    /// One JSON object per line on the console, which is what the container platform collects and a query can read
    /// (an exception's stack stays inside its line). <c>Logging__Console__FormatterName=simple</c> switches back to
    /// plain text for a terminal.
    /// </summary>
    private static void UseJsonConsole(WebApplicationBuilder builder)
    {
        var configuredFormatter = builder.Configuration["Logging:Console:FormatterName"];
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        if (!string.IsNullOrWhiteSpace(configuredFormatter))
        {
            // AddJsonConsole's choice comes after the configuration's; the setting must win.
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.FormatterName = configuredFormatter);
        }
    }

    public static IServiceCollection AddCompanionServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        // Runs before the Lavalink client starts, so the saved session is there to resume.
        services.AddSingleton<CompanionStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<CompanionStartup>());

        services.AddStorage(configuration);

        services.AddDiscordRest(configuration);

        // Voice and Lavalink register their handlers of the gateway's typed events in AddCompanionVoice and AddLavalink.
        services.AddDiscordGateway(configuration);

        services.AddCompanionVoice(configuration);

        // The music service handles Lavalink's events; the recorder in front keeps the session id for restarts.
        services.TryAddSingleton<ILavalinkEventHandler>(provider => new LavalinkSessionRecorder(
            provider.GetRequiredService<MusicPlaybackCoordinator>(),
            provider.GetRequiredService<ILavalinkSessionStore>(),
            provider.GetRequiredService<ILogger<LavalinkSessionRecorder>>()));
        services.AddLavalink(configuration);
        services.AddMusic(configuration);
        // The voice queue's work goes to the feature whose route owns it; music registers its handler in AddMusic.
        services.AddFeatureCatalog(CommandCatalog.Features);
        services.TryAddSingleton<IDeferredWorkHandler, VoiceWorkRouter>();
        services.AddHostedService<VoiceEventsToMusic>();

        services.AddOptions<VoiceQueueOptions>().Bind(configuration.GetSection(VoiceQueueOptions.SectionName)).ValidateOnStartWith<VoiceQueueOptions, VoiceQueueOptionsValidator>();
        services.AddDeferredWork(configuration);

        // Voice work queued before a feature was turned off or its guild blocked is answered, not played.
        services.AddOperatorControls(configuration);
        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<PolledQueueReceiver>(
            provider, QueueNames.Voice, provider.GetRequiredService<IOptions<VoiceQueueOptions>>().Value.ToReceiverSettings()));
        services.AddOptions<HeartbeatOptions>().Bind(configuration.GetSection(HeartbeatOptions.SectionName)).ValidateOnStartWith<HeartbeatOptions, HeartbeatOptionsValidator>();
        services.TryAddSingleton<ICompanionHealthSource, CompanionHealth>();

        services.AddCompanionLeadership(configuration);
        return services;
    }

    /// <summary>
    /// The lease and what runs only under it: the gateway session, the Lavalink connection, the voice consumer and the
    /// heartbeat (in that start order). A standby runs the health endpoint and polls for the lease, nothing else.
    /// </summary>
    private static IServiceCollection AddCompanionLeadership(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CompanionLeaseOptions>().Bind(configuration.GetSection(CompanionLeaseOptions.SectionName)).ValidateOnStartWith<CompanionLeaseOptions, CompanionLeaseOptionsValidator>();
        services.TryAddSingleton(CompanionInstance.ForThisProcess);
        services.TryAddSingleton<CompanionLeadershipState>();
        services.AddActiveService<GatewayRunner>();
        services.AddActiveService<LavalinkResumeRefresh>();
        services.MoveToActiveWork<LavalinkConnectionService>();
        services.AddActiveService<VoiceQueueConsumer>();
        services.AddActiveService<HeartbeatWriter>();
        services.TryAddSingleton<IGuildVoicePresence, MusicGuildVoicePresence>();
        services.AddActiveService<BlockedGuildVoiceLeaver>();
        services.TryAddSingleton<ActiveWork>();
        services.AddSingleton<CompanionLeadership>();
        services.AddHostedService(provider => provider.GetRequiredService<CompanionLeadership>());
        return services;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.MapCompanionHealth();
        return app;
    }

    /// <summary>Every failed setting, each naming its key; empty when the configuration is usable.</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IServiceProvider services) => StartupConfiguration.Failures(services);
}

/// <summary>
/// Voice tells music when listeners come and go, so an empty channel is left after the idle timeout, and when the bot
/// lost its connection (kicked, disconnected, removed from the guild), so the session ends instead of coming back.
/// </summary>
public sealed class VoiceEventsToMusic(IVoiceConnectionEvents voice, MusicPlaybackCoordinator playback) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        voice.BotChannelListenersChanged += playback.OnVoiceStateChanged;
        voice.ConnectionLost += OnConnectionLost;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        voice.BotChannelListenersChanged -= playback.OnVoiceStateChanged;
        voice.ConnectionLost -= OnConnectionLost;
        return Task.CompletedTask;
    }

    // Raised on the gateway's dispatch loop: the session ends in the guild's work, which logs its own failures.
    private void OnConnectionLost(VoiceConnectionLost lost) => _ = playback.OnConnectionLostAsync(lost, CancellationToken.None);
}
