namespace Serverless.Storage.Queues;

public static class QueueNames
{
    public const string Interactions = "interactions";

    /// <summary>Scheduled posts claimed by the <c>scheduled-posts-due</c> timer, published by <c>post-publisher</c>.</summary>
    public const string Posts = "posts";

    /// <summary>Music commands and buttons, deferred by the Functions app and worked by the companion.</summary>
    public const string Voice = "voice";

    public const string PoisonSuffix = "-poison";

    /// <summary>The work queues that exist so far; each has a <c>-poison</c> twin where the host parks failures.</summary>
    public static IReadOnlyList<string> Work { get; } = [Interactions, Posts, Voice];

    public static string Poison(string queue) => queue + PoisonSuffix;
}
