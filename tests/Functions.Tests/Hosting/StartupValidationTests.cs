using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Hosting;

public sealed class StartupValidationTests
{
    private const string ValidKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    [Theory]
    [InlineData(null, ValidKey, "Discord__ApplicationId is missing")]
    [InlineData("12ab", ValidKey, "Discord__ApplicationId is malformed")]
    [InlineData("100000000000000001", null, "Discord__PublicKey is missing")]
    [InlineData("100000000000000001", "abcd", "Discord__PublicKey is malformed")]
    [InlineData("100000000000000001", "zz5a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "Discord__PublicKey is malformed")]
    public async Task Startup_WithBadDiscordSetting_FailsNamingTheKey(string? applicationId, string? publicKey, string expected)
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = applicationId,
            ["Discord:PublicKey"] = publicKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithOutOfRangeInteractionSettings_FailsNamingTheKey()
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Interactions:MaxBodyBytes"] = "10",
            ["Interactions:SignatureMaxAge"] = "02:00:00",
        });

        Assert.Contains(failures, failure => failure.StartsWith("Interactions__MaxBodyBytes", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Interactions__SignatureMaxAge", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("02:00:00")]
    public async Task Startup_WithAnOutOfRangeHeartbeatStaleThreshold_FailsNamingTheKey(string staleAfter)
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Companion:HeartbeatStaleAfter"] = staleAfter,
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith("Companion__HeartbeatStaleAfter must be between", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Health:ProbeCacheDuration", "00:00:00", "Health__ProbeCacheDuration must be between")]
    [InlineData("Health:ProbeCacheDuration", "00:10:00", "Health__ProbeCacheDuration must be between")]
    [InlineData("Health:RejectedTokenRecheckInterval", "00:00:05", "Health__RejectedTokenRecheckInterval must be between")]
    [InlineData("Housekeeping:InteractionRunsRetention", "00:10:00", "Housekeeping__InteractionRunsRetention must be at least")]
    [InlineData("Housekeeping:RateLimitsRetention", "00:30:00", "Housekeeping__RateLimitsRetention must be at least")]
    [InlineData("Housekeeping:FinishedPostsRetention", "12:00:00", "Housekeeping__FinishedPostsRetention must be at least")]
    [InlineData("Housekeeping:PageSize", "5000", "Housekeeping__PageSize must be between")]
    [InlineData("Housekeeping:TimeBudget", "00:10:00", "Housekeeping__TimeBudget must be between")]
    public async Task Startup_WithAnOutOfRangeFeatureSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [key] = value,
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithBadRateLimitSettings_FailsNamingTheKey()
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Discord:RateLimits:GlobalLeaseSize"] = "0",
            ["Discord:RateLimits:InvalidRequestThreshold"] = "10000",
        });

        Assert.Contains(failures, failure => failure.StartsWith("Discord__RateLimits__GlobalLeaseSize must be at least 1", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Discord__RateLimits__InvalidRequestThreshold must stay below", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimitSettings_AreBoundFromConfiguration()
    {
        await using var services = BuildServices(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Discord:RateLimits:MaxWait"] = "00:01:30",
            ["Discord:RateLimits:BucketLeaseSize"] = "7",
        });

        var options = services.GetRequiredService<IOptions<DiscordRateLimitOptions>>().Value;

        Assert.Empty(FunctionAppServices.ValidateConfiguration(services));
        Assert.Equal(TimeSpan.FromSeconds(90), options.MaxWait);
        Assert.Equal(7, options.BucketLeaseSize);
        Assert.Equal(10, options.GlobalLeaseSize);
    }

    [Theory]
    [InlineData(null, "AzureWebJobsStorage is missing")]
    [InlineData("not a connection string", "AzureWebJobsStorage is malformed")]
    public async Task Startup_WithBadStorageSetting_FailsNamingTheKey(string? connection, string expected)
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = connection,
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("not a connection string", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithManagedIdentityAccountName_IsValid()
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = ValidKey,
            ["AzureWebJobsStorage:accountName"] = "serverlessbotstorage",
        });

        Assert.Empty(failures);
    }

    [Fact]
    public async Task ScheduleLimits_AreBoundByTheScheduleFeature_FromScheduledPostsSettings()
    {
        await using var services = BuildServices(new Dictionary<string, string?>(Usable)
        {
            ["ScheduledPosts:MaxPostsPerGuild"] = "3",
            ["ScheduledPosts:MinRepeatInterval"] = "01:00:00",
        });

        Assert.Empty(FunctionAppServices.ValidateConfiguration(services));
        Assert.Equal(new ScheduleLimits(3, TimeSpan.FromHours(1)), services.GetRequiredService<ScheduleLimits>());
    }

    [Fact]
    public async Task Startup_WithOutOfRangeScheduleSettings_FailsNamingEachKey()
    {
        var failures = await ValidateAsync(new Dictionary<string, string?>(Usable)
        {
            ["ScheduledPosts:MaxPostsPerGuild"] = "0",
            ["ScheduledPosts:MinRepeatInterval"] = "00:00:30",
            ["ScheduledPosts:Lease"] = "00:00:01",
        });

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, failure => failure.StartsWith("ScheduledPosts__MaxPostsPerGuild must be between 1 and 1000", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ScheduledPosts__MinRepeatInterval must be between 00:01:00 and 1.00:00:00", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ScheduledPosts__Lease must be at least 00:00:10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Startup_WithAFeatureClaimingAnotherFeaturesCommand_FailsNamingBothAndTheCommand()
    {
        var impostor = new CommandDefinition { Name = "status", Description = "Not the bot's status", ResponseMode = CommandResponseMode.Inline };
        await using var services = BuildServices(Usable, services => services.AddFeature(new ClashingFeature("impostor", feature => feature.AddCommand<ImpostorCommand>(impostor))));

        var failure = Assert.Single(FunctionAppServices.ValidateConfiguration(services));

        Assert.Equal("Features 'status' and 'impostor' clash: the command /status of 'impostor' overlaps the command /status of 'status'.", failure);
    }

    [Fact]
    public async Task Startup_WithAFeatureWhoseButtonPrefixOverlapsAnothers_FailsNamingBothAndThePrefixes()
    {
        await using var services = BuildServices(Usable, services => services.AddFeature(new ClashingFeature("juke", feature => feature.AddComponent<ImpostorCommand>(MusicCommand.Buttons.Prefix + "skip"))));

        var failure = Assert.Single(FunctionAppServices.ValidateConfiguration(services));

        Assert.Equal($"Features 'music' and 'juke' clash: the button prefix '{MusicCommand.Buttons.Prefix}skip' of 'juke' overlaps the button prefix '{MusicCommand.Buttons.Prefix}' of 'music'.", failure);
    }

    [Fact]
    public async Task Startup_WithBadSettingsAndAClash_ReportsBoth()
    {
        var settings = new Dictionary<string, string?>(Usable) { ["Discord:ApplicationId"] = null };
        await using var services = BuildServices(settings, services => services.AddFeature(new ClashingFeature("ping", _ => { })));

        var failures = FunctionAppServices.ValidateConfiguration(services);

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Discord__ApplicationId is missing", failures[0], StringComparison.Ordinal);
        Assert.Equal("The feature 'ping' is registered twice.", failures[1]);
    }

    private static readonly Dictionary<string, string?> Usable = new()
    {
        ["Discord:ApplicationId"] = "100000000000000001",
        ["Discord:PublicKey"] = ValidKey,
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
    };

    private static async Task<IReadOnlyList<string>> ValidateAsync(Dictionary<string, string?> settings)
    {
        await using var services = BuildServices(settings);
        return FunctionAppServices.ValidateConfiguration(services);
    }

    /// <summary>The app's services as <c>Program</c> registers them, over nothing but the given settings.</summary>
    private static ServiceProvider BuildServices(Dictionary<string, string?> settings, Action<IServiceCollection>? addMore = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddFunctionApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        addMore?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private sealed class ClashingFeature(string name, Action<FeatureBuilder> register) : IFeatureModule
    {
        public string Name => name;

        public void Register(FeatureBuilder feature) => register(feature);
    }

    private sealed class ImpostorCommand : ICommandHandler
    {
        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CommandReply("impostor", Ephemeral: true));
    }
}
