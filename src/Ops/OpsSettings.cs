using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Rest;
using Serverless.Domain.Projections;
using Serverless.Storage;

namespace Serverless.Ops;

/// <summary>
/// Settings for the calls to Discord (<c>Discord__ApplicationId</c>, <c>Discord__BotToken</c>, <c>Discord__ApiBaseUrl</c>,
/// <c>Discord__RateLimits__*</c>) and to storage (<c>AzureWebJobsStorage</c>, or <c>AzureWebJobsStorage__accountName</c>): the environment over the
/// <c>Values</c> of an optional <c>local.settings.json</c>, the same precedence the Functions tools use.
/// </summary>
internal sealed class OpsSettings
{
    private OpsSettings(IConfiguration configuration, ulong applicationId)
    {
        Configuration = configuration;
        ApplicationId = applicationId;
    }

    /// <summary>
    /// The <c>Discord</c> section, for <c>AddDiscordRest</c> to bind as the bot does; the rate limits are the bot's, so
    /// that a run spends the fleet's budget by the same rules.
    /// </summary>
    public IConfiguration Configuration { get; }

    public ulong ApplicationId { get; }

    /// <exception cref="OpsUsageException">A setting is missing or malformed, or the settings file cannot be read.</exception>
    public static async Task<OpsSettings> LoadAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken)
    {
        var configuration = await BuildConfigurationAsync(
            environment,
            settingsFile,
            key => key.StartsWith(DiscordOptions.SectionName + "__", StringComparison.OrdinalIgnoreCase),
            cancellationToken);

        // A blank API URL means the default here, as it always has for the CLI.
        var apiBaseUrlKey = ConfigurationPath.Combine(DiscordOptions.SectionName, nameof(DiscordOptions.ApiBaseUrl));
        if (string.IsNullOrWhiteSpace(configuration[apiBaseUrlKey]))
        {
            configuration[apiBaseUrlKey] = null;
        }

        // The bot's validators, so that a setting is named and worded as at the bot's start-up.
        var discord = Bind<DiscordOptions>(configuration, DiscordOptions.SectionName, "A Discord__ setting");
        var discordCheck = new DiscordBotCallerValidator().Validate(null, discord);
        if (discordCheck.Failed)
        {
            // The first missing setting is the one to fix first.
            throw new OpsUsageException(discordCheck.Failures?.FirstOrDefault() ?? discordCheck.FailureMessage);
        }

        ThrowIfInvalid(new DiscordRateLimitOptionsValidator().Validate(
            null,
            Bind<DiscordRateLimitOptions>(configuration, DiscordRateLimitOptions.SectionName, "A Discord__RateLimits__ setting")));
        return new OpsSettings(configuration, ulong.Parse(discord.ApplicationId!, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    private static TOptions Bind<TOptions>(IConfiguration configuration, string sectionName, string what)
        where TOptions : new()
    {
        var options = new TOptions();
        try
        {
            configuration.GetSection(sectionName).Bind(options);
            return options;
        }
        catch (InvalidOperationException exception)
        {
            throw new OpsUsageException($"{what} is malformed: {exception.Message}");
        }
    }

    private static void ThrowIfInvalid(ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            throw new OpsUsageException(string.Join(" ", result.Failures ?? [result.FailureMessage]));
        }
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

    /// <summary>
    /// The app's <c>Projections__*</c> settings (defaults where unset), validated as at the bot's start-up, so that a
    /// rebuild paces its refreshes as the deployment does.
    /// </summary>
    /// <exception cref="OpsUsageException">A setting is malformed or out of range, or the settings file cannot be read.</exception>
    public static async Task<ProjectionOptions> LoadProjectionOptionsAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken)
    {
        var configuration = await BuildConfigurationAsync(
            environment,
            settingsFile,
            key => key.StartsWith(ProjectionOptions.SectionName + "__", StringComparison.OrdinalIgnoreCase),
            cancellationToken);
        var options = Bind<ProjectionOptions>(configuration, ProjectionOptions.SectionName, "A Projections__ setting");
        ThrowIfInvalid(new ProjectionOptionsValidator().Validate(null, options));
        return options;
    }

    /// <summary>The storage settings as <see cref="LoadStorageAsync"/> reads them, without building a client.</summary>
    internal static async Task<StorageOptions> LoadStorageOptionsAsync(IReadOnlyDictionary<string, string?> environment, string? settingsFile, CancellationToken cancellationToken) =>
        StorageOptions.From(await BuildStorageConfigurationAsync(environment, settingsFile, cancellationToken));

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

    /// <summary>The global <c>--settings FILE</c> option: on the root, recursive, so every command takes it.</summary>
    public static Option<FileInfo?> FileOption() =>
        new("--settings")
        {
            HelpName = "FILE",
            Description = "A local.settings.json whose Values supply settings the environment does not. Without it, and with no such settings in the environment, the running local stack's .dev/settings.json (scripts/dev-up.sh writes it).",
            Recursive = true,
        };

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
