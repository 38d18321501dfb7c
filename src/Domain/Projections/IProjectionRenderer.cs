namespace Serverless.Domain.Projections;

/// <summary>
/// Turns a feature's stored state into one kind of projection's content. A feature registers one per kind
/// (<c>services.AddProjectionRenderer&lt;T&gt;()</c> in its module); the refresher finds it by <see cref="Feature"/> and
/// <see cref="Kind"/>. The content must depend on stored state only (no clock, no randomness): the refresher compares its
/// hash with what it published last, so unchanged state makes no Discord call.
/// </summary>
public interface IProjectionRenderer
{
    string Feature { get; }

    /// <summary>The subject without its id (<see cref="ProjectionKey.Kind"/>).</summary>
    string Kind { get; }

    Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken);
}
