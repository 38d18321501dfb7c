using Serverless.Domain.Commands;

namespace Serverless.Storage.Queues;

public static class QueueNames
{
    public const string Interactions = "interactions";

    /// <summary>Scheduled posts claimed by the <c>scheduled-posts-due</c> timer, published by <c>post-publisher</c>.</summary>
    public const string Posts = "posts";

    /// <summary>
    /// Commands and button clicks for the companion (music): the same <see cref="InteractionMessage"/> shape as
    /// <see cref="Interactions"/>. The companion reads it itself; no function of the Functions app is bound to it.
    /// </summary>
    public const string Voice = "voice";

    /// <summary>Refreshes of projections (one Discord message kept current per guild and subject), run by <c>projection-refresher</c>.</summary>
    public const string Projections = "projections";

    public const string PoisonSuffix = "-poison";

    /// <summary>The work queues that exist so far; each has a <c>-poison</c> twin where failures are parked.</summary>
    public static IReadOnlyList<string> Work { get; } = [Interactions, Posts, Voice, Projections];

    public static string Poison(string queue) => queue + PoisonSuffix;

    /// <summary>The queue that carries deferred work for <paramref name="queue"/>.</summary>
    public static string For(DeferredWorkQueue queue) => queue switch
    {
        DeferredWorkQueue.Interactions => Interactions,
        DeferredWorkQueue.Voice => Voice,
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "unknown deferred work queue"),
    };
}
