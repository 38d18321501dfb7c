namespace Serverless.Domain.Commands;

/// <summary>
/// Runs a slash command, or a button click a feature handles in the Functions app (its custom_id arrives as option
/// <see cref="InteractionRoute.ComponentOption"/>). Found by <see cref="InteractionRouter"/> from the feature's
/// registration; one sealed class per command.
/// </summary>
public interface ICommandHandler
{
    ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken);
}
