namespace Serverless.Domain.Commands;

/// <summary>One slash command. Implementations are sealed classes, one per command, found by <see cref="CommandRouter"/>.</summary>
public interface IBotCommand
{
    CommandDefinition Definition { get; }

    ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken);
}
