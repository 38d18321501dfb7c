using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Discord.Interactions;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Features.Health;
using Serverless.Functions.Features.Housekeeping;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Features.Status;
using Serverless.Functions.Interactions;
using Serverless.Storage;

namespace Serverless.Functions.Hosting;

/// <summary>Composition root of the custom handler, shared by <c>Program</c>, the tests and the benchmarks.</summary>
public static class HandlerApp
{
    /// <summary>Set by the Functions host when it starts a custom handler.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Under the Functions host, listen only where the host expects us; otherwise honour --urls.
        var port = builder.Configuration[CustomHandlerPortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        // Log levels in code rather than an appsettings.json: no settings file to find and watch at start-up.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddHandlerServices(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddHandlerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<DiscordOptions>().Bind(configuration.GetSection(DiscordOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>());
        services.AddOptions<DiscordRateLimitOptions>().Bind(configuration.GetSection(DiscordRateLimitOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscordRateLimitOptions>, DiscordRateLimitOptionsValidator>());
        services.AddOptions<InteractionOptions>().Bind(configuration.GetSection(InteractionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InteractionOptions>, InteractionOptionsValidator>());

        services.TryAddSingleton(provider => new InteractionSignatureVerifier(
            provider.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey!,
            provider.GetRequiredService<IOptions<InteractionOptions>>().Value.SignatureMaxAge,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<InteractionProcessor>();
        services.TryAddSingleton<InteractionWorker>();

        services.AddStorage(configuration);
        services.AddDiscordRest();

        services.TryAddSingleton<PingCommand>();
        services.TryAddSingleton<HelpCommand>();
        services.TryAddSingleton<StatusCommand>();

        // Deferred to the companion over the voice queue; registered so the router knows it.
        services.TryAddSingleton<MusicCommand>();

        // Its IScheduledPostStore comes from AddStorage, its limits from ScheduledPosts__* (bound below).
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<ScheduledPostOptions>>().Value.Limits);
        services.TryAddSingleton<ScheduleCommand>();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());
        services.TryAddSingleton<IDiscordStatusProbe>(provider => new DiscordStatusProbe(
            provider.GetRequiredService<DiscordRestClient>,
            provider.GetRequiredService<DiscordCredentials>(),
            provider.GetRequiredService<DiscordTokenState>(),
            provider.GetRequiredService<IOptions<HealthOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CommandRouter>();

        // The companion's heartbeat (its ICompanionHeartbeatStore comes from AddStorage) for /status and /api/healthz.
        services.AddOptions<CompanionStatusOptions>().Bind(configuration.GetSection(CompanionStatusOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CompanionStatusOptions>, CompanionStatusOptionsValidator>());
        services.TryAddSingleton<ICompanionStatusProbe, CompanionStatusProbe>();

        // The health routes are anonymous or cheap to reach: they read the probes through a per-instance cache.
        services.TryAddSingleton<HealthProbeCache>();

        services.AddOptions<ScheduledPostOptions>().Bind(configuration.GetSection(ScheduledPostOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduledPostOptions>, ScheduledPostOptionsValidator>());
        services.TryAddSingleton<DuePostsTimer>();
        services.TryAddSingleton(provider => new SentPostFinder(
            provider.GetRequiredService<DiscordRestClient>,
            provider.GetRequiredService<IOptions<ScheduledPostOptions>>()));
        services.TryAddSingleton(provider => new PostPublisher(
            provider.GetRequiredService<IScheduledPostStore>(),
            provider.GetRequiredService<DiscordRestClient>,
            provider.GetRequiredService<SentPostFinder>(),
            provider.GetRequiredService<IOptions<ScheduledPostOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostPublisher>>()));

        // Its IRetentionStore comes from AddStorage.
        services.AddOptions<HousekeepingOptions>().Bind(configuration.GetSection(HousekeepingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HousekeepingOptions>, HousekeepingOptionsValidator>());
        services.TryAddSingleton<HousekeepingTimer>();
        return services;
    }

    /// <summary>Every failed setting, each naming its key; empty when the configuration is usable.</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IServiceProvider services) => StartupConfiguration.Failures(services);

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();

        // The host polls GET / until the handler answers; answer at once, before anything else.
        app.MapGet("/", static () => Results.Ok());
        app.MapInteractions();
        app.MapHealth();
        app.MapQueueFunction(InteractionWorker.FunctionName, InteractionWorker.BindingName, static (services, message, cancellationToken) =>
            services.GetRequiredService<InteractionWorker>().RunAsync(message, cancellationToken));
        app.MapTimerFunction(DuePostsTimer.FunctionName, static (services, cancellationToken) =>
            services.GetRequiredService<DuePostsTimer>().RunAsync(cancellationToken));
        app.MapTimerFunction(HousekeepingTimer.FunctionName, static (services, cancellationToken) =>
            services.GetRequiredService<HousekeepingTimer>().RunAsync(cancellationToken));
        app.MapQueueFunction(PostPublisher.FunctionName, PostPublisher.BindingName, static (services, message, cancellationToken) =>
            services.GetRequiredService<PostPublisher>().RunAsync(message, cancellationToken));
        return app;
    }
}
