using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Interactions;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Ping;
using Serverless.Functions.Interactions;

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

        builder.Services.AddHandlerServices(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddHandlerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<DiscordOptions>().Bind(configuration.GetSection(DiscordOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>());
        services.AddOptions<InteractionOptions>().Bind(configuration.GetSection(InteractionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InteractionOptions>, InteractionOptionsValidator>());

        services.TryAddSingleton(provider => new InteractionSignatureVerifier(
            provider.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey!,
            provider.GetRequiredService<IOptions<InteractionOptions>>().Value.SignatureMaxAge,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<InteractionProcessor>();

        services.TryAddSingleton<PingCommand>();
        services.TryAddSingleton<HelpCommand>();
        services.TryAddSingleton<CommandRouter>();
        return services;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();

        // The host polls GET / until the handler answers; answer at once, before anything else.
        app.MapGet("/", static () => Results.Ok());
        app.MapInteractions();
        return app;
    }
}
