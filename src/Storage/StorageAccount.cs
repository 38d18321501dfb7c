using Azure.Core;
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

    private StorageAccount(QueueServiceClient queues, TableServiceClient tables)
    {
        Queues = queues;
        Tables = tables;
    }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    /// <summary>Every queue client uses this encoding, the same as <c>host.json</c>'s <c>messageEncoding</c>.</summary>
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

    /// <summary>Reads the setting; throws <see cref="StorageConfigurationException"/> naming it when it is missing or malformed.</summary>
    public static StorageAccount FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var queueOptions = new QueueClientOptions { MessageEncoding = MessageEncoding };
        ConfigureRetries(queueOptions.Retry);
        var tableOptions = new TableClientOptions();
        ConfigureRetries(tableOptions.Retry);
        var connectionString = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            try
            {
                return new StorageAccount(new QueueServiceClient(connectionString, queueOptions), new TableServiceClient(connectionString, tableOptions));
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
            {
                // The SDK's message can echo the connection string, key included: name the setting instead.
                throw new StorageConfigurationException($"{SettingName} is malformed: it must be a storage connection string such as UseDevelopmentStorage=true.");
            }
        }

        var section = configuration.GetSection(SettingName);
        var accountName = section["accountName"];
        if (string.IsNullOrWhiteSpace(accountName))
        {
            throw new StorageConfigurationException($"{SettingName} is missing: set it to a connection string, or set {SettingName}__accountName to use a managed identity.");
        }

        var clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        var queueUri = section["queueServiceUri"] ?? $"https://{accountName}.queue.core.windows.net";
        var tableUri = section["tableServiceUri"] ?? $"https://{accountName}.table.core.windows.net";
        return new StorageAccount(
            new QueueServiceClient(new Uri(queueUri), credential, queueOptions),
            new TableServiceClient(new Uri(tableUri), credential, tableOptions));
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
