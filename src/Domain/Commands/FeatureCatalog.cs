namespace Serverless.Domain.Commands;

/// <summary>
/// Every route the registered features declared, in registration order: the one table that commands, buttons and
/// forms are dispatched through, and the source of the manifest and <c>/help</c>. Refuses, when built, two features
/// claiming the same command name or custom_id prefixes where one starts the other, so a click can never be ambiguous
/// (<see cref="FeatureConflictException"/>); both processes build it at start-up.
/// </summary>
public sealed class FeatureCatalog
{
    private readonly InteractionRoute[] _routes;

    public FeatureCatalog(IEnumerable<FeatureRegistration> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var registrations = features.ToList();
        var duplicate = registrations.GroupBy(feature => feature.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new FeatureConflictException($"The feature '{duplicate.Key}' is registered twice.");
        }

        _routes = [.. registrations.SelectMany(feature => feature.Routes)];
        for (var i = 0; i < _routes.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (Overlap(_routes[i], _routes[j]))
                {
                    throw new FeatureConflictException(
                        $"Features '{_routes[j].Feature}' and '{_routes[i].Feature}' clash: {Describe(_routes[i])} of '{_routes[i].Feature}' overlaps {Describe(_routes[j])} of '{_routes[j].Feature}'.");
                }
            }
        }

        Commands = [.. _routes.Where(route => route.Kind == RouteKind.Command).Select(route => route.Definition!)];
    }

    /// <summary>The slash commands, in the order <c>/help</c> lists them and the manifest declares them.</summary>
    public IReadOnlyList<CommandDefinition> Commands { get; }

    public IReadOnlyList<InteractionRoute> Routes => _routes;

    /// <summary>The catalog of <paramref name="features"/> alone, without their services: for the manifest and tools.</summary>
    public static FeatureCatalog From(IEnumerable<IFeatureModule> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var discarded = new DiscardedServices();
        return new FeatureCatalog(features.Select(feature =>
        {
            var builder = new FeatureBuilder(feature.Name, discarded);
            feature.Register(builder);
            return builder.Build();
        }));
    }

    /// <summary>The route owning a command name, or a component's or form's custom_id; null when no feature owns it.</summary>
    public InteractionRoute? Find(RouteKind kind, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        // A plain loop: the endpoint looks up every command and click here, and a capturing lambda allocates each time.
        foreach (var route in _routes)
        {
            if (route.Matches(kind, value))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>
    /// The route of queued work: a form's by its custom_id (<see cref="ModalSubmission.CustomIdOption"/>), a click's by
    /// its custom_id (<see cref="InteractionRoute.ComponentOption"/>), else the command's by name.
    /// </summary>
    public InteractionRoute? FindQueued(CommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.Options.TryGetValue(ModalSubmission.CustomIdOption, out var form))
        {
            return Find(RouteKind.Form, form);
        }

        return invocation.Options.TryGetValue(InteractionRoute.ComponentOption, out var component)
            ? Find(RouteKind.Component, component)
            : Find(RouteKind.Command, invocation.CommandName);
    }

    private static string Describe(InteractionRoute route) => route.Kind switch
    {
        RouteKind.Command => $"the command /{route.Key}",
        RouteKind.Component => $"the button prefix '{route.Key}'",
        _ => $"the form prefix '{route.Key}'",
    };

    private static bool Overlap(InteractionRoute a, InteractionRoute b) =>
        a.Kind == b.Kind && (a.Kind == RouteKind.Command
            ? string.Equals(a.Key, b.Key, StringComparison.Ordinal)
            : a.Key.StartsWith(b.Key, StringComparison.Ordinal) || b.Key.StartsWith(a.Key, StringComparison.Ordinal));

    /// <summary>Takes the services a feature registers when only its routes are wanted.</summary>
    private sealed class DiscardedServices : List<Microsoft.Extensions.DependencyInjection.ServiceDescriptor>, Microsoft.Extensions.DependencyInjection.IServiceCollection;
}
