using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.DevHost;
using Serverless.Domain.Projections;
using Serverless.Sandbox.Hosting;
using Serverless.Storage;
using Serverless.Storage.Projections;
using Serverless.TestSupport;

namespace ProjectionsBench;

/// <summary>
/// The bot on loopback as the end-to-end tests run it: a private Azurite, the Sandbox's Discord, and the DevHost (in
/// this process) with the real isolated worker as its child, with the app's own settings: no <c>Projections__*</c> and
/// no queue pacing overridden unless <c>--setting</c> says so, so host.json's polling and the defaults apply.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private BenchStack(AzuriteServer azurite, SandboxServer discord, FunctionsDevHost host, ProjectionOptions options, CapturingLoggerProvider logs)
    {
        Azurite = azurite;
        Discord = discord;
        Host = host;
        Options = options;
        Logs = logs;
        Account = StorageAccount.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccount.SettingName] = azurite.ConnectionString })
            .Build());
        Projections = new TableProjectionStore(Account);
        Changes = new ProjectionChanges(
            Projections,
            new AzureProjectionRefreshQueue(Account, TimeProvider.System),
            Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System,
            NullLogger<ProjectionChanges>.Instance);
    }

    /// <summary>The Sandbox's default guild: the one guild every event goes to.</summary>
    public ulong GuildId => Discord.Interactions.DefaultGuildId;

    public AzuriteServer Azurite { get; }

    public SandboxServer Discord { get; }

    public FunctionsDevHost Host { get; }

    /// <summary>The app's <c>Projections__*</c> as the worker binds them; the bench's own changes use the same.</summary>
    public ProjectionOptions Options { get; }

    /// <summary>What the DevHost and the worker logged at Warning and above.</summary>
    public CapturingLoggerProvider Logs { get; }

    public StorageAccount Account { get; }

    public TableProjectionStore Projections { get; }

    public ProjectionChanges Changes { get; }

    public static async Task<BenchStack> StartAsync(string scriptRoot, IReadOnlyDictionary<string, string?> extraSettings, CancellationToken cancellationToken)
    {
        var options = new ProjectionOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(extraSettings.Select(pair => KeyValuePair.Create(pair.Key.Replace("__", ":", StringComparison.Ordinal), pair.Value)))
            .Build()
            .GetSection(ProjectionOptions.SectionName)
            .Bind(options);
        var check = new ProjectionOptionsValidator().Validate(null, options);
        if (check.Failed)
        {
            throw new ArgumentException(check.FailureMessage);
        }

        var azurite = await AzuriteServer.StartAsync();
        var discord = await SandboxServer.StartAsync(new SandboxOptions(), cancellationToken);
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Discord__ApplicationId"] = discord.ApplicationId.ToString(CultureInfo.InvariantCulture),
            ["Discord__PublicKey"] = discord.PublicKeyHex,
            ["Discord__BotToken"] = discord.BotToken,
            ["Discord__ApiBaseUrl"] = discord.ApiBaseUrl,
        };
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        var host = await FunctionsDevHost.StartAsync(
            new DevHostOptions
            {
                ScriptRoot = scriptRoot,
                Port = 0,
                SettingsPath = null,
                Settings = settings,
                LoggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logs)),
            },
            cancellationToken);
        return new BenchStack(azurite, discord, host, options, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Discord.DisposeAsync();
        await Azurite.DisposeAsync();
        Logs.Dispose();
    }
}
