using System.CommandLine;
using System.CommandLine.Completions;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands;

/// <summary>
/// The <c>QUEUE</c> argument: one of <see cref="QueueNames.Work"/> (or, where it means the same, its <c>-poison</c> twin),
/// completed from that list and checked by the command so a wrong name is one line listing the right ones.
/// </summary>
internal static class WorkQueueArgument
{
    public static string ValidNames => string.Join(", ", QueueNames.Work);

    /// <summary>The work queues followed by their poison twins, in <see cref="QueueNames.Work"/> order.</summary>
    public static IReadOnlyList<string> WorkAndPoisonNames { get; } =
        [.. QueueNames.Work, .. QueueNames.Work.Select(QueueNames.Poison)];

    public static Argument<string> Create(string description, bool includePoison = false)
    {
        var names = includePoison ? WorkAndPoisonNames : QueueNames.Work;
        var argument = new Argument<string>("QUEUE") { HelpName = "QUEUE", Description = $"{description} One of: {string.Join(", ", names)}." };
        argument.CompletionSources.Add(context => names
            .Where(name => name.StartsWith(context.WordToComplete, StringComparison.Ordinal))
            .Select(name => new CompletionItem(name)));
        return argument;
    }

    /// <exception cref="OpsUsageException"><paramref name="name"/> is not a work queue.</exception>
    public static string Validate(string? name)
    {
        if (name is null || !QueueNames.Work.Contains(name, StringComparer.Ordinal))
        {
            throw new OpsUsageException($"Unknown queue '{name}': use one of {ValidNames}.");
        }

        return name;
    }

    /// <summary>The work queue for <c>replay-poison</c>, which takes either the work queue or its poison twin.</summary>
    /// <exception cref="OpsUsageException"><paramref name="name"/> is neither a work queue nor a poison twin of one.</exception>
    public static string ValidateReplaySource(string? name)
    {
        if (name is not null
            && name.EndsWith(QueueNames.PoisonSuffix, StringComparison.Ordinal)
            && QueueNames.Work.Contains(name[..^QueueNames.PoisonSuffix.Length], StringComparer.Ordinal))
        {
            return name[..^QueueNames.PoisonSuffix.Length];
        }

        if (name is null || !QueueNames.Work.Contains(name, StringComparer.Ordinal))
        {
            throw new OpsUsageException($"Unknown queue '{name}': use one of {string.Join(", ", WorkAndPoisonNames)}.");
        }

        return name;
    }
}
