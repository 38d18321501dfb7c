using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;

namespace Serverless.Companion.VoiceQueue;

/// <summary>
/// One feature's work from the <c>voice</c> queue: registered as a keyed service under the feature's
/// <see cref="IFeatureModule.Name"/> (see <see cref="VoiceWorkServiceCollectionExtensions.AddVoiceWork{THandler}"/>).
/// </summary>
public interface IVoiceWorkHandler
{
    /// <summary>Throws only when the work should be retried; work that failed for the user's reasons answers and returns.</summary>
    Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Sends each command or click taken from the <c>voice</c> queue to the feature whose route owns it in the
/// <see cref="FeatureCatalog"/>, the table the Functions endpoint queued it by: the companion's
/// <see cref="IDeferredWorkHandler"/>, run by the <see cref="DeferredWorkRunner"/>.
/// </summary>
public sealed class VoiceWorkRouter(FeatureCatalog catalog, IServiceProvider services) : IDeferredWorkHandler
{
    public Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var route = catalog.FindQueued(command.Invocation);
        var handler = route is { Execution: CommandResponseMode.DeferredToVoice }
            ? services.GetKeyedService<IVoiceWorkHandler>(route.Feature)
            : null;

        // A deployment mismatch (the endpoint knows a feature this companion does not): retried, then parked in
        // voice-poison where operators see it, rather than dropped.
        return handler is null
            ? throw new InvalidOperationException($"No feature of this companion runs /{command.Invocation.CommandName} from the voice queue.")
            : handler.HandleAsync(command, cancellationToken);
    }

    /// <summary>Voice work the operator controls refused after it was queued: answered as the Functions worker would, not played.</summary>
    public Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var clicked = command.Invocation.Options.ContainsKey(InteractionRoute.ComponentOption);
        return services.GetRequiredService<DiscordRestClient>().AnswerRefusedAsync(command.ApplicationId, command.InteractionToken, message, clicked, cancellationToken);
    }
}

public static class VoiceWorkServiceCollectionExtensions
{
    /// <summary>
    /// Lets <typeparamref name="THandler"/> (registered separately) run the voice work of the feature named
    /// <paramref name="feature"/>.
    /// </summary>
    public static IServiceCollection AddVoiceWork<THandler>(this IServiceCollection services, string feature)
        where THandler : class, IVoiceWorkHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(feature);
        services.AddKeyedSingleton<IVoiceWorkHandler>(feature, (provider, _) => provider.GetRequiredService<THandler>());
        return services;
    }
}
