using System.Diagnostics;
using OpenTelemetry;
using Serverless.Domain.Telemetry;

namespace Serverless.Observability;

/// <summary>
/// Gives every span the interaction's dimensions (<see cref="TelemetryDimensions.Propagated"/>) from its parent in this
/// process, so a Discord call deep inside a command carries the command's correlation id and guild without each
/// layer knowing them. Spans that set their own values keep them.
/// </summary>
internal sealed class DimensionPropagationProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        var parent = data.Parent;
        if (parent is null)
        {
            return;
        }

        foreach (var key in TelemetryDimensions.Propagated)
        {
            if (data.GetTagItem(key) is null && parent.GetTagItem(key) is { } value)
            {
                data.SetTag(key, value);
            }
        }
    }
}
