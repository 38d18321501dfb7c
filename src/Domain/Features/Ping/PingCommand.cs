using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Ping;

/// <summary><c>/ping</c>: proves the bot is alive and reports how long it took to handle the request.</summary>
public sealed class PingCommand(TimeProvider timeProvider) : ICommandHandler
{
    public const string Name = "ping";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Check that the bot is alive and how fast it answers",
        Contexts = [CommandContext.Guild, CommandContext.BotDm, CommandContext.PrivateChannel],
        Ephemeral = true,
    };

    public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        var elapsed = timeProvider.GetElapsedTime(invocation.ReceivedTimestamp);
        var content = string.Create(
            CultureInfo.InvariantCulture,
            $"Pong! Handled in {elapsed.TotalMilliseconds:0.000} ms.");
        return ValueTask.FromResult(new CommandReply(content, Definition.Ephemeral));
    }
}
