using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Companion;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Housekeeping;
using Serverless.Domain.RateLimiting;
using Serverless.Storage.Companion;
using Serverless.Storage.Housekeeping;
using Serverless.Storage.Music;
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
        services.TryAddSingleton(_ => StorageAccount.FromConfiguration(configuration));

        // Resolve the account at start-up so a missing or malformed setting stops the app with its name,
        // not the first deferred command. Creating the clients makes no network call.
        services.AddOptions<StorageStartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageStartupCheck>, StorageStartupValidator>());
        services.TryAddSingleton<IDeferredCommandQueue, AzureDeferredCommandQueue>();
        services.TryAddSingleton<IInteractionLedger, TableInteractionLedger>();
        services.TryAddSingleton<IStorageStatusProbe, StorageStatusProbe>();
        services.TryAddSingleton<IScheduledPostStore, TableScheduledPostStore>();
        services.TryAddSingleton<IPostPublishQueue, AzurePostPublishQueue>();
        services.TryAddSingleton<IGatewaySessionStore, TableGatewaySessionStore>();
        services.TryAddSingleton<ICompanionHeartbeatStore, TableCompanionHeartbeatStore>();
        services.TryAddSingleton<ILavalinkSessionStore, TableLavalinkSessionStore>();
        services.TryAddSingleton<IMusicSessionStore, TableMusicSessionStore>();
        services.TryAddSingleton<IRetentionStore, TableRetentionStore>();

        // Shared by every instance; registered before AddDiscordRest so it wins over the in-memory store.
        services.TryAddSingleton<IRateLimitStore, TableRateLimitStore>();
        return services;
    }
}

/// <summary>A marker validated at start-up; see <see cref="StorageStartupValidator"/>.</summary>
public sealed class StorageStartupCheck;

internal sealed class StorageStartupValidator(IServiceProvider provider) : IValidateOptions<StorageStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, StorageStartupCheck options)
    {
        try
        {
            provider.GetRequiredService<StorageAccount>();
            return ValidateOptionsResult.Success;
        }
        catch (StorageConfigurationException exception)
        {
            return ValidateOptionsResult.Fail(exception.Message);
        }
    }
}
