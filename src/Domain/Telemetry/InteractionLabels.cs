using Serverless.Domain.Commands;

namespace Serverless.Domain.Telemetry;

/// <summary>
/// The <see cref="TelemetryDimensions.Command"/> and <see cref="TelemetryDimensions.Feature"/> values of an interaction,
/// the same in the endpoint, the worker and the companion: the full command path as users type it (<c>music play</c>),
/// or the route key of a button or form, and the owning feature module's name.
/// </summary>
public static class InteractionLabels
{
    /// <summary>What stands for a command or feature not known (a refused or unreadable request or message).</summary>
    public const string Unknown = "unknown";

    private const string SubcommandOption = "subcommand";

    /// <summary><paramref name="name"/>, followed by the subcommand (or group and subcommand) when one was used.</summary>
    public static string CommandPath(string name, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TryGetValue(SubcommandOption, out var subcommand) && !string.IsNullOrEmpty(subcommand)
            ? name + " " + subcommand
            : name;
    }

    /// <summary>The labels of queued work, found through the route that owns it when <paramref name="catalog"/> is given.</summary>
    public static (string Command, string Feature) Of(CommandInvocation invocation, FeatureCatalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var route = catalog?.FindQueued(invocation);
        return route is { Kind: not RouteKind.Command }
            ? (route.Key, route.Feature)
            : (CommandPath(invocation.CommandName, invocation.Options), route?.Feature ?? invocation.CommandName);
    }
}
