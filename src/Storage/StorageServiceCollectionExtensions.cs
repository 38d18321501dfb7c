using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Features.Pairs;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Housekeeping;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;
using Serverless.Ports.RateLimiting;
using Serverless.Ports.Sessions;
using Serverless.Storage.CompanionState;
using Serverless.Storage.Controls;
using Serverless.Storage.Duels;
using Serverless.Storage.Hall;
using Serverless.Storage.Oracle;
using Serverless.Storage.Pairs;
using Serverless.Storage.Raids;
using Serverless.Storage.Housekeeping;
using Serverless.Storage.Music;
using Serverless.Storage.Projections;
using Serverless.Storage.RateLimiting;
using Serverless.Storage.Queues;
using Serverless.Storage.ScheduledPosts;
using Serverless.Storage.Status;
using Serverless.Storage.Tables;

namespace Serverless.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the Azure Queues and Tables adapters for the ports that Domain declares.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Validated at start-up so a missing or malformed setting stops the app with its name, not the first
        // deferred command.
        services.AddOptions<StorageOptions>().Configure(options => options.ReadFrom(configuration)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(provider => StorageAccount.FromOptions(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<IDeferredCommandQueue, AzureDeferredCommandQueue>();
        services.TryAddSingleton<IInteractionLedger, TableInteractionLedger>();
        services.TryAddSingleton<IDeferredCommandDecoder, InteractionMessageCodec>();
        services.TryAddSingleton<IPoisonQueue, AzurePoisonQueue>();
        services.TryAddSingleton<IStorageStatusProbe, StorageStatusProbe>();
        services.TryAddSingleton<IScheduledPostStore, TableScheduledPostStore>();
        services.TryAddSingleton<IPostPublishQueue, AzurePostPublishQueue>();
        services.TryAddSingleton<IGatewaySessionStore, TableGatewaySessionStore>();
        services.TryAddSingleton<ICompanionHeartbeatStore, TableCompanionHeartbeatStore>();
        services.TryAddSingleton<ILavalinkSessionStore, TableLavalinkSessionStore>();
        services.TryAddSingleton<ICompanionLeaseStore, TableCompanionLeaseStore>();
        services.TryAddSingleton<IMusicSessionStore, TableMusicSessionStore>();
        services.TryAddSingleton<IRetentionStore, TableRetentionStore>();
        services.TryAddSingleton<IQueueDepthReader, AzureQueueDepthReader>();
        services.TryAddSingleton<IOperatorControlStore, TableOperatorControlStore>();
        services.TryAddSingleton<IProjectionStore, TableProjectionStore>();
        services.TryAddSingleton<IProjectionRefreshQueue, AzureProjectionRefreshQueue>();
        services.TryAddSingleton<IDuelStore, TableDuelStore>();
        services.TryAddSingleton<IRaidStore, TableRaidStore>();
        services.TryAddSingleton<IHallStore, TableHallStore>();
        services.TryAddSingleton<IPairStore, TablePairStore>();
        services.TryAddSingleton<IOracleStore, TableOracleStore>();

        // Shared by every instance; registered before AddDiscordRest so it wins over the in-memory store.
        services.TryAddSingleton<IRateLimitStore, TableRateLimitStore>();

        // Operator controls (issue 15): the command limits' buckets.
        services.TryAddSingleton<ICommandLimitStore>(provider => new TableCommandLimitStore(
            provider.GetRequiredService<StorageAccount>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<Microsoft.Extensions.Logging.ILogger<TableCommandLimitStore>>()));
        return services;
    }
}
