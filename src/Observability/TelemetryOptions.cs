namespace Serverless.Observability;

/// <summary>
/// Where telemetry goes (Application Insights' own settings, named as Azure names them) and how much of it. With no
/// connection string nothing is registered: no exporter, no listener, so instrumented code pays nothing.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Configuration key of the connection string, as App Service, Functions and Container Apps name it.</summary>
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Configuration key of the Entra sign-in for ingestion (<c>Authorization=AAD;ClientId=…</c>, the Functions host's
    /// convention): set where the Application Insights resource refuses its instrumentation key (local auth off).
    /// </summary>
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// Share of traces kept, 0–1. The default keeps all of them: the bot's volume is small and a sampled-out queue hop
    /// would break the one-trace-per-interaction promise the runbook's queries rely on.
    /// </summary>
    public double SamplingRatio { get; set; } = 1.0;
}
