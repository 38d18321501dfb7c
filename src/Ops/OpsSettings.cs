using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serverless.Discord;
using Serverless.Discord.Rest;
using Serverless.Storage;

namespace Serverless.Ops;

/// <summary>
/// Settings for the calls to Discord (<c>Discord__ApplicationId</c>, <c>Discord__BotToken</c>, <c>Discord__ApiBaseUrl</c>,
/// <c>Discord__RateLimits__*</c>) and to storage (<c>AzureWebJobsStorage</c>, or <c>AzureWebJobsStorage__accountName</c>): the environment over the
/// <c>Values</c> of an optional <c>local.settings.json</c>, the same precedence the Functions tools use.
/// </summary>
internal sealed class OpsSettings
{
    public const string ApplicationIdKey = "Discord__ApplicationId";
    public const string BotTokenKey = "Discord__BotToken";
    public const string ApiBaseUrlKey = "Discord__ApiBaseUrl";

    private OpsSettings(DiscordOptions discord, DiscordRateLimitOptions rateLimits, ulong applicationId)
    {
        Discord = discord;
        RateLimits = rateLimits;
        ApplicationId = applicationId;
    }

    public DiscordOptions Discord { get; }

    /// <summary>The same limits as the bot's, so that a run spends the fleet's budget by the same rules.</summary>
    public DiscordRateLimitOptions RateLimits { get; }

    public ulong ApplicationId { get; }

    /// <exception cref="OpsUsageException">A setting is missing or malformed, or the settings file cannot be read.</exception>
    public static async Task<OpsSettings> LoadAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken)
    {
        var configuration = await BuildConfigurationAsync(
            environment,
            settingsFile,
            key => key.StartsWith(DiscordOptions.SectionName + "__", StringComparison.OrdinalIgnoreCase),
            cancellationToken);
        var section = configuration.GetSection(DiscordOptions.SectionName);

        var discord = new DiscordOptions
        {
            ApplicationId = section["ApplicationId"],
            BotToken = section["BotToken"],
            ApiBaseUrl = string.IsNullOrWhiteSpace(section["ApiBaseUrl"]) ? DiscordOptions.DefaultApiBaseUrl : section["ApiBaseUrl"]!,
        };

        if (string.IsNullOrWhiteSpace(discord.ApplicationId))
        {
            throw new OpsUsageException($"{ApplicationIdKey} is missing: set it to the application id from the Developer Portal.");
        }

        if (!ulong.TryParse(discord.ApplicationId, NumberStyles.None, CultureInfo.InvariantCulture, out var applicationId) || applicationId == 0)
        {
            throw new OpsUsageException($"{ApplicationIdKey} is malformed: it must be a numeric snowflake.");
        }

        if (string.IsNullOrWhiteSpace(discord.BotToken))
        {
            throw new OpsUsageException($"{BotTokenKey} is missing: set it to the bot token from the Developer Portal.");
        }

        if (!Uri.TryCreate(discord.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            throw new OpsUsageException($"{ApiBaseUrlKey} is malformed: it must be an absolute http(s) URL.");
        }

        return new OpsSettings(discord, BindRateLimits(configuration), applicationId);
    }

    private static DiscordRateLimitOptions BindRateLimits(IConfiguration configuration)
    {
        var rateLimits = new DiscordRateLimitOptions();
        try
        {
            configuration.GetSection(DiscordRateLimitOptions.SectionName).Bind(rateLimits);
        }
        catch (InvalidOperationException exception)
        {
            throw new OpsUsageException($"A Discord__RateLimits__ setting is malformed: {exception.Message}");
        }

        var check = new DiscordRateLimitOptionsValidator().Validate(null, rateLimits);
        return check.Failed ? throw new OpsUsageException(string.Join(" ", check.Failures ?? [])) : rateLimits;
    }

    /// <summary>
    /// The storage account when one is configured (as for <see cref="LoadStorageAsync"/>), else null: commands that
    /// only improve with storage, such as sharing the bot's rate-limit state, run without it.
    /// </summary>
    /// <exception cref="OpsUsageException">The setting is malformed, or the settings file cannot be read.</exception>
    public static async Task<StorageAccount?> LoadOptionalStorageAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken)
    {
        var configuration = await BuildStorageConfigurationAsync(environment, settingsFile, cancellationToken);
        var section = configuration.GetSection(StorageAccount.SettingName);
        return string.IsNullOrWhiteSpace(section.Value) && string.IsNullOrWhiteSpace(section["accountName"]) ? null : StorageFrom(configuration);
    }

    /// <summary>The storage account the Functions app uses, read by the same code (<see cref="StorageAccount.FromConfiguration"/>).</summary>
    /// <exception cref="OpsUsageException">The setting is missing or malformed, or the settings file cannot be read.</exception>
    public static async Task<StorageAccount> LoadStorageAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken) =>
        StorageFrom(await BuildStorageConfigurationAsync(environment, settingsFile, cancellationToken));

    private static Task<IConfiguration> BuildStorageConfigurationAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken) =>
        BuildConfigurationAsync(
            environment,
            settingsFile,
            key => key.Equals(StorageAccount.SettingName, StringComparison.OrdinalIgnoreCase)
                || key.StartsWith(StorageAccount.SettingName + "__", StringComparison.OrdinalIgnoreCase),
            cancellationToken);

    private static StorageAccount StorageFrom(IConfiguration configuration)
    {
        try
        {
            var account = StorageAccount.FromConfiguration(configuration);

            // Clients are built lazily; building one now turns a connection string the SDK rejects into a configuration error.
            _ = account.Queues;
            return account;
        }
        catch (StorageConfigurationException exception)
        {
            throw new OpsUsageException(exception.Message);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // Never echo the SDK's message: it may quote the connection string, key included.
            throw new OpsUsageException($"{StorageAccount.SettingName} is malformed: the storage client rejects it as a connection string.");
        }
    }

    /// <summary>The <c>--settings FILE</c> option every command that reads settings takes.</summary>
    public static Option<FileInfo?> FileOption() =>
        new("--settings") { HelpName = "FILE", Description = "A local.settings.json whose Values supply settings the environment does not." };

    private static async Task<IConfiguration> BuildConfigurationAsync(
        IReadOnlyDictionary<string, string?> environment,
        string? settingsFile,
        Func<string, bool> isRelevant,
        CancellationToken cancellationToken)
    {
        var builder = new ConfigurationBuilder();
        if (settingsFile is not null)
        {
            builder.AddInMemoryCollection(await ReadValuesAsync(settingsFile, cancellationToken));
        }

        builder.AddInMemoryCollection(environment
            .Where(variable => isRelevant(variable.Key))
            .Select(variable => KeyValuePair.Create(ToConfigurationKey(variable.Key), variable.Value)));
        return builder.Build();
    }

    // Functions' settings use "__" as environment variables do; configuration uses ":".
    private static string ToConfigurationKey(string key) => key.Replace("__", ":", StringComparison.Ordinal);

    private static async Task<IEnumerable<KeyValuePair<string, string?>>> ReadValuesAsync(string path, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(path);
            document = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new OpsUsageException($"Cannot read the settings file {path}: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("Values", out var values)
                || values.ValueKind != JsonValueKind.Object)
            {
                throw new OpsUsageException($"The settings file {path} has no \"Values\" object.");
            }

            return [.. values.EnumerateObject()
                .Where(value => value.Value.ValueKind == JsonValueKind.String)
                .Select(value => KeyValuePair.Create(ToConfigurationKey(value.Name), value.Value.GetString()))];
        }
    }
}

/// <summary>The command line or the configuration is wrong; the message is the one line the user sees.</summary>
internal sealed class OpsUsageException(string message) : Exception(message);
