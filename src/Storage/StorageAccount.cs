using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Serverless.Storage;

/// <summary>
/// The one storage connection the bot uses, read the way the Functions host reads it:
/// <c>AzureWebJobsStorage</c> as a connection string, or <c>AzureWebJobsStorage__accountName</c>
/// (optionally <c>__clientId</c> for a user-assigned identity) with a managed identity.
/// </summary>
public sealed class StorageAccount
{
    public const string SettingName = "AzureWebJobsStorage";

    // Clients are built on first use, not at start-up: building Azure SDK clients costs tens of
    // milliseconds, and a cold instance must answer Discord's PING without paying for storage it does not use.
    private readonly Lazy<QueueServiceClient> _queues;
    private readonly Lazy<QueueServiceClient> _verbatimQueues;
    private readonly Lazy<TableServiceClient> _tables;

    private StorageAccount(Func<QueueClientOptions, QueueServiceClient> queues, Func<TableServiceClient> tables, HttpPipelinePolicy? observer)
    {
        _queues = new Lazy<QueueServiceClient>(() => queues(QueueOptions(MessageEncoding, observer)));
        _verbatimQueues = new Lazy<QueueServiceClient>(() => queues(QueueOptions(QueueMessageEncoding.None, observer)));
        _tables = new Lazy<TableServiceClient>(tables);
    }

    public QueueServiceClient Queues => _queues.Value;

    /// <summary>
    /// The same queues with no message encoding: message text is read and written as stored. For tools that move
    /// messages between queues, so a message that is not valid base64 (a likely reason it was poisoned) moves too.
    /// </summary>
    public QueueServiceClient VerbatimQueues => _verbatimQueues.Value;

    public TableServiceClient Tables => _tables.Value;

    /// <summary>Every queue client but <see cref="VerbatimQueues"/> uses this encoding, the same as <c>host.json</c>'s <c>messageEncoding</c>.</summary>
    public static QueueMessageEncoding MessageEncoding => QueueMessageEncoding.Base64;

    /// <summary>
    /// Short, few retries: the interactions endpoint must answer Discord within 3 seconds, and the SDK's
    /// defaults (several retries backing off from 0.8 s) would spend that on one unreachable account.
    /// </summary>
    private static void ConfigureRetries(RetryOptions retry)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(100);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = TimeSpan.FromSeconds(5);
    }

    private static QueueClientOptions QueueOptions(QueueMessageEncoding encoding, HttpPipelinePolicy? observer)
    {
        var options = new QueueClientOptions { MessageEncoding = encoding };
        ConfigureRetries(options.Retry);
        Observe(options, observer);
        return options;
    }

    private static TableClientOptions TableOptions(HttpPipelinePolicy? observer)
    {
        var options = new TableClientOptions();
        ConfigureRetries(options.Retry);
        Observe(options, observer);
        return options;
    }

    private static void Observe(ClientOptions options, HttpPipelinePolicy? observer)
    {
        if (observer is not null)
        {
            options.AddPolicy(observer, HttpPipelinePosition.PerRetry);
        }
    }

    /// <summary>
    /// The shape check the SDK would do when building a client, done without building one:
    /// <c>key=value</c> pairs naming development storage, an account or an endpoint.
    /// </summary>
    private static bool LooksLikeConnectionString(string value)
    {
        var keys = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToList();
        if (keys.Count == 0 || keys.Any(pair => pair.Length != 2 || pair[0].Length == 0))
        {
            return false;
        }

        var names = keys.Select(pair => pair[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return names.Contains("UseDevelopmentStorage") || names.Contains("AccountName") || names.Contains("QueueEndpoint");
    }

    /// <summary>Reads the setting; throws <see cref="StorageConfigurationException"/> naming it when it is missing or malformed.</summary>
    /// <param name="requestObserver">Sees every storage request (each retry too); benchmarks count operations with it.</param>
    public static StorageAccount FromConfiguration(IConfiguration configuration, HttpPipelinePolicy? requestObserver = null) =>
        FromOptions(StorageOptions.From(configuration), requestObserver);

    /// <summary>The account the options name; throws <see cref="StorageConfigurationException"/> naming the setting when it is missing or malformed.</summary>
    /// <param name="requestObserver">Sees every storage request (each retry too); benchmarks count operations with it.</param>
    public static StorageAccount FromOptions(StorageOptions options, HttpPipelinePolicy? requestObserver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = options.ConnectionString;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            if (!LooksLikeConnectionString(connectionString))
            {
                // Never echo the value: a connection string holds the account key.
                throw new StorageConfigurationException($"{SettingName} is malformed: it must be a storage connection string such as UseDevelopmentStorage=true.");
            }

            return new StorageAccount(
                queueOptions => new QueueServiceClient(connectionString, queueOptions),
                () => new TableServiceClient(connectionString, TableOptions(requestObserver)),
                requestObserver);
        }

        var accountName = options.AccountName;
        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new StorageConfigurationException($"{SettingName} is missing: set it to a connection string, or set {SettingName}__accountName to use a managed identity.");
        }

        var credential = CreateCredential(options);
        var queueUri = options.QueueServiceUri ?? $"https://{accountName}.queue.core.windows.net";
        var tableUri = options.TableServiceUri ?? $"https://{accountName}.table.core.windows.net";
        if (!Uri.TryCreate(queueUri, UriKind.Absolute, out var queues) || !Uri.TryCreate(tableUri, UriKind.Absolute, out var tables))
        {
            throw new StorageConfigurationException($"{SettingName}__accountName is malformed: it must be a storage account name.");
        }

        return new StorageAccount(
            queueOptions => new QueueServiceClient(queues, credential, queueOptions),
            () => new TableServiceClient(tables, credential, TableOptions(requestObserver)),
            requestObserver);
    }

    /// <summary>
    /// The app's managed identity when the settings say so (<c>__credential=managedidentity</c>, or a user-assigned
    /// <c>__clientId</c>); otherwise whoever is signed in where this runs, so <c>bot-ops</c> on an operator's machine
    /// reaches an account whose shared keys are off.
    /// </summary>
    internal static TokenCredential CreateCredential(StorageOptions options)
    {
        var clientId = options.ClientId;
        if (!string.IsNullOrWhiteSpace(clientId))
        {
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
    }
}

public sealed class StorageConfigurationException : Exception
{
    public StorageConfigurationException()
    {
    }

    public StorageConfigurationException(string message)
        : base(message)
    {
    }

    public StorageConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
