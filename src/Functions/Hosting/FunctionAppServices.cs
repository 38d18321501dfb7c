using Microsoft.Extensions.Options;
using Serverless.Discord.Hosting;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Discord;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Hosting;
using Serverless.Functions.Features.Hall;
using Serverless.Functions.Features.Health;
using Serverless.Functions.Features.Housekeeping;
using Serverless.Functions.Features.Oracle;
using Serverless.Functions.Features.Projections;
using Serverless.Functions.Features.QueueMetrics;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Features.Status;
using Serverless.Functions.Interactions;
using Serverless.Storage;

namespace Serverless.Functions.Hosting;

/// <summary>
/// Composition root of the Functions app: the bot's services, shared by <c>Program</c>, the tests and the benchmarks.
/// The worker's own services (gRPC channel, ASP.NET Core integration) come from <c>FunctionsApplication.CreateBuilder</c>.
/// </summary>
public static class FunctionAppServices
{
    public static IServiceCollection AddFunctionApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAppClock(configuration);

        // AddDiscordRest (below) binds the Discord section; the interactions endpoint needs its application id and key.
        services.AddOptions<DiscordOptions>().ValidateOnStartWith<DiscordOptions, DiscordOptionsValidator>();
        services.AddOptions<InteractionOptions>().Bind(configuration.GetSection(InteractionOptions.SectionName)).ValidateOnStartWith<InteractionOptions, InteractionOptionsValidator>();

        services.TryAddSingleton(provider => new InteractionSignatureVerifier(
            provider.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey!,
            provider.GetRequiredService<IOptions<InteractionOptions>>().Value.SignatureMaxAge,
            provider.GetRequiredService<TimeProvider>()));
        // Instruments come from the host's IMeterFactory; registered here too for containers built without a host.
        services.AddMetrics();
        services.TryAddSingleton<InteractionMetrics>();
        services.TryAddSingleton<InteractionProcessor>();
        services.TryAddSingleton<InteractionWorker>();
        services.AddDeferredWork(configuration);

        // Kill switches, guild blocks and command limits, checked by the endpoint and again by the worker.
        services.AddOperatorControls(configuration);

        services.AddStorage(configuration);
        services.AddDiscordRest(configuration);

        // Every feature's commands, buttons and forms, its options and its services, and the one router built from them.
        services.AddFeatures(CommandCatalog.Features, configuration);

        // What the features need from this host's clients, one line per feature folder.
        services.AddStatusProbes(configuration);
        services.AddHealthRoutes(configuration);
        services.AddScheduledPosts(configuration);
        services.AddProjectionRefresher(configuration);
        services.AddHousekeeping(configuration);
        services.AddQueueMetrics();
        services.AddHallArchiver(configuration);
        services.AddOraclePublisher();
        return services;
    }

    /// <summary>Every failed setting, each naming its key; empty when the configuration is usable.</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IServiceProvider services) => StartupConfiguration.Failures(services);
}
