using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Options;
using Serverless.Domain.Telemetry;

namespace Serverless.Observability;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Sends this process's spans, metrics and logs to Application Insights (Microsoft.ApplicationInsights 3.x, which is
    /// OpenTelemetry with the Azure Monitor exporter) when <see cref="TelemetryOptions.ConnectionStringKey"/> is set, and
    /// registers nothing when it is not. Returns the OpenTelemetry builder, or null when telemetry is off or its settings are refused (the host's
    /// start-up check then lists them, each naming its key).
    /// </summary>
    /// <param name="roleName">The cloud role Application Insights files this process under (<c>functions</c>, <c>companion</c>).</param>
    /// <param name="configureHost">The host's own additions (the worker's invocation spans), applied before the role name
    /// so that a host resource detector cannot rename the role.</param>
    public static IOpenTelemetryBuilder? AddBotTelemetry(this IServiceCollection services, IConfiguration configuration, string roleName, Action<IOpenTelemetryBuilder>? configureHost = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[TelemetryOptions.ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var failures = TelemetrySettingsCheck.Failures(configuration);
        if (failures.Count > 0)
        {
            // Application Insights would stop the process in its own start-up with a stack trace (and, for a malformed
            // connection string, without naming the setting); the host's start-up check lists these lines instead.
            services.AddOptions<TelemetryOptions>().ValidateOnStart();
            services.AddSingleton<IValidateOptions<TelemetryOptions>>(new RefusedTelemetrySettings(failures));
            return null;
        }

        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddApplicationInsightsTelemetryWorkerService(insights =>
        {
            insights.ConnectionString = connectionString;
            insights.Credential = IngestionCredential.FromAuthenticationString(configuration[TelemetryOptions.AuthenticationStringKey]);
            insights.SamplingRatio = (float)Math.Clamp(options.SamplingRatio, 0, 1);
            insights.TracesPerSecond = null;
            // Live metrics only where the resource offers them; a local stand-in has no live endpoint.
            insights.EnableQuickPulseMetricStream = connectionString.Contains("LiveEndpoint=", StringComparison.OrdinalIgnoreCase);
            // Windows performance counters mean nothing on Linux plans and containers.
            insights.EnablePerformanceCounterCollectionModule = false;
            // Off would drop every client, producer and internal span, ours too (the distro's filter goes by kind);
            // ForeignDependencySuppressionProcessor drops HttpClient's and the Azure SDK's instead: the Discord and
            // Lavalink clients record their own dependency spans with route templates.
            insights.EnableDependencyTrackingTelemetryModule = true;
        });

        var builder = services.AddOpenTelemetry();
        configureHost?.Invoke(builder);
        // Application Insights' cloud_RoleName is the service name: "functions" or "companion", whatever the host detects.
        builder.ConfigureResource(resource => resource.AddService(serviceName: roleName));
        builder.WithTracing(tracing => tracing
            .AddSource(TelemetryNames.Prefix + "*")
            .AddProcessor(new ForeignDependencySuppressionProcessor())
            .AddProcessor(new DimensionPropagationProcessor())
            .AddProcessor(new SpanSecretRedactionProcessor()));
        builder.WithMetrics(metrics => metrics.AddMeter(TelemetryNames.Prefix + "*"));
        builder.WithLogging(logging => logging.AddProcessor(new LogSecretRedactionProcessor()), logging => logging.IncludeScopes = true);
        services.AddHostedService<MetricsFlushOnStop>();
        return builder;
    }
}

/// <summary>Fails start-up validation with what <see cref="TelemetrySettingsCheck"/> found.</summary>
internal sealed class RefusedTelemetrySettings(IReadOnlyList<string> failures) : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) => ValidateOptionsResult.Fail(failures);
}
