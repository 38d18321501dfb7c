using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Serverless.Storage;

/// <summary>
/// The <c>AzureWebJobsStorage</c> setting as the Functions host reads it: the setting itself as a connection string, or
/// <c>AzureWebJobsStorage__accountName</c> (with optional <c>__credential</c>, <c>__clientId</c>, <c>__queueServiceUri</c>,
/// <c>__tableServiceUri</c>) for an Entra identity.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = StorageAccount.SettingName;

    /// <summary>The value of <c>AzureWebJobsStorage</c> itself. Never logged: it holds the account key.</summary>
    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    /// <summary>
    /// <c>managedidentity</c> (as the host reads it) to use only the app's managed identity; unset, a user-assigned
    /// <see cref="ClientId"/> still means that identity, and otherwise the developer's or operator's own sign-in
    /// (Azure CLI, azd, environment, or a managed identity where there is one) is used, as the ops CLI needs.
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>A user-assigned identity's client id; the system-assigned identity when unset.</summary>
    public string? ClientId { get; set; }

    public string? QueueServiceUri { get; set; }

    public string? TableServiceUri { get; set; }

    /// <summary>
    /// Reads the section by hand: its own value is the connection string, which a configuration binder cannot
    /// put in a property.
    /// </summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new StorageOptions();
        options.ReadFrom(configuration);
        return options;
    }

    internal void ReadFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        ConnectionString = section.Value;
        AccountName = section["accountName"];
        Credential = section["credential"];
        ClientId = section["clientId"];
        QueueServiceUri = section["queueServiceUri"];
        TableServiceUri = section["tableServiceUri"];
    }
}

/// <summary>Refuses a missing or malformed setting with its name, by the same rules that build the account.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        try
        {
            // Building the account makes no network call: its clients are created on first use.
            StorageAccount.FromOptions(options);
            return ValidateOptionsResult.Success;
        }
        catch (StorageConfigurationException exception)
        {
            return ValidateOptionsResult.Fail(exception.Message);
        }
    }
}
