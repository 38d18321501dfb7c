using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.Observability;

/// <summary>
/// Checks the telemetry settings before <see cref="TelemetryServiceCollectionExtensions.AddBotTelemetry"/> hands them to
/// Application Insights, which would otherwise stop the process with a stack trace (and, for a malformed connection
/// string, without naming the setting). Each failure names its key and never repeats the value: the connection string
/// carries the instrumentation key.
/// </summary>
public static class TelemetrySettingsCheck
{
    /// <summary>Empty when the settings are usable, or when telemetry is off (no connection string).</summary>
    public static IReadOnlyList<string> Failures(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[TelemetryOptions.ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return [];
        }

        var failures = new List<string>();
        if (ConnectionStringProblem(connectionString) is { } problem)
        {
            failures.Add($"{TelemetryOptions.ConnectionStringKey} is malformed: {problem} Copy it from the Application Insights resource's overview.");
        }

        try
        {
            IngestionCredential.FromAuthenticationString(configuration[TelemetryOptions.AuthenticationStringKey]);
        }
        catch (FormatException exception)
        {
            failures.Add(exception.Message);
        }

        var samplingKey = TelemetryOptions.SectionName + ":" + nameof(TelemetryOptions.SamplingRatio);
        if (configuration[samplingKey] is { } sampling
            && (!double.TryParse(sampling, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || ratio is < 0 or > 1))
        {
            failures.Add($"{TelemetryOptions.SectionName}__{nameof(TelemetryOptions.SamplingRatio)} must be a number between 0 and 1, e.g. 1 to keep every trace.");
        }

        return failures;
    }

    private static string? ConnectionStringProblem(string connectionString)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = segment.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0 || pair[1].Length == 0)
            {
                return "it must be Key=Value pairs separated by ';'.";
            }

            values[pair[0]] = pair[1];
        }

        if (!values.TryGetValue("InstrumentationKey", out var key) || !Guid.TryParse(key, out _))
        {
            return "it has no InstrumentationKey=<guid>.";
        }

        foreach (var endpoint in new[] { "IngestionEndpoint", "LiveEndpoint" })
        {
            if (values.TryGetValue(endpoint, out var url)
                && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                return $"its {endpoint} is not an absolute http(s) URL.";
            }
        }

        return null;
    }
}
