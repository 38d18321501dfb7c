using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Domain.Commands;

/// <summary>
/// The <see cref="FeatureCatalog"/> with its handlers: finds the route of a command, click, form or queued work and
/// the instance that runs it. Handlers are resolved when first used, so a feature's services are built only if needed.
/// </summary>
public sealed class InteractionRouter(FeatureCatalog catalog, IServiceProvider services)
{
    public FeatureCatalog Catalog => catalog;

    /// <inheritdoc cref="FeatureCatalog.Find"/>
    public InteractionRoute? Find(RouteKind kind, string value) => catalog.Find(kind, value);

    /// <inheritdoc cref="FeatureCatalog.FindQueued"/>
    public InteractionRoute? FindQueued(CommandInvocation invocation) => catalog.FindQueued(invocation);

    /// <summary>The command or component handler of <paramref name="route"/>; null for work the companion does.</summary>
    public ICommandHandler? CommandHandler(InteractionRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route is { Kind: not RouteKind.Form, Handler: { } type } ? (ICommandHandler)services.GetRequiredService(type) : null;
    }

    /// <summary>The form handler of <paramref name="route"/>.</summary>
    public IModalHandler? ModalHandler(InteractionRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route is { Kind: RouteKind.Form, Handler: { } type } ? (IModalHandler)services.GetRequiredService(type) : null;
    }
}
