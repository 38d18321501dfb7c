using System.Diagnostics;
using OpenTelemetry;
using Serverless.Domain.Telemetry;

namespace Serverless.Observability;

/// <summary>
/// Keeps outbound spans (client, producer, internal) only from our own sources and the Functions worker. The
/// Application Insights distro always listens to HttpClient and the Azure SDK: HttpClient spans would record webhook
/// URLs, which carry interaction tokens, and the Azure SDK's would add a dependency for every queue poll. The distro's
/// own switch for this (<c>EnableDependencyTrackingTelemetryModule = false</c>) drops every outbound span, ours included,
/// so it stays on and this filters instead. Context still propagates through a suppressed span.
/// </summary>
internal sealed class ForeignDependencySuppressionProcessor : BaseProcessor<Activity>
{
    /// <summary>The isolated worker's invocation span source (a request, but kept whatever its kind).</summary>
    private const string FunctionsWorkerSource = "Microsoft.Azure.Functions.Worker";

    public override void OnStart(Activity data)
    {
        if (data.Kind is ActivityKind.Server or ActivityKind.Consumer)
        {
            return;
        }

        var source = data.Source.Name;
        if (!source.StartsWith(TelemetryNames.Prefix, StringComparison.Ordinal) && !string.Equals(source, FunctionsWorkerSource, StringComparison.Ordinal))
        {
            data.IsAllDataRequested = false;
        }
    }
}
