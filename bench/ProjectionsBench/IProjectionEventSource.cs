using Serverless.Domain.Projections;

namespace ProjectionsBench;

/// <summary>
/// One projection's events: each <see cref="EmitAsync"/> makes one real state change through the feature's own domain
/// code against the stack's storage, which marks the projections it changes dirty (as the feature does in the app).
/// </summary>
internal interface IProjectionEventSource
{
    /// <summary>What the figures are printed under (<c>duel scoreboard</c>).</summary>
    string Name { get; }

    /// <summary>The projection this source's events are for (valid after <see cref="PrepareAsync"/>).</summary>
    ProjectionKey Key { get; }

    /// <summary>Every projection one event marks dirty: <see cref="Key"/> first, then others (the monthly hall) if any.</summary>
    IReadOnlyList<ProjectionKey> Touches { get; }

    /// <summary>Sets up what the events need (a running raid, say) and places <see cref="Key"/> in <paramref name="channelId"/>, as the feature's command does.</summary>
    Task PrepareAsync(ulong channelId, CancellationToken cancellationToken);

    /// <param name="sequence">This source's event number, from 0: sources use it for ids and to vary the members.</param>
    Task EmitAsync(long sequence, CancellationToken cancellationToken);
}
