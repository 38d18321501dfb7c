using System.CommandLine;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands;

/// <summary>The <c>QUEUE</c> argument: one of <see cref="QueueNames.Work"/>, checked by the command so a wrong name is one line.</summary>
internal static class WorkQueueArgument
{
    public static string ValidNames => string.Join(", ", QueueNames.Work);

    public static Argument<string> Create(string description) =>
        new("QUEUE") { Description = $"{description} One of: {ValidNames}." };

    /// <exception cref="OpsUsageException"><paramref name="name"/> is not a work queue.</exception>
    public static string Validate(string? name)
    {
        if (name is null || !QueueNames.Work.Contains(name, StringComparer.Ordinal))
        {
            throw new OpsUsageException($"Unknown queue '{name}': use one of {ValidNames}.");
        }

        return name;
    }
}
