using System.Text;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Help;

/// <summary><c>/help</c>: lists the commands that exist, straight from <see cref="CommandCatalog"/>.</summary>
public sealed class HelpCommand : IBotCommand
{
    public const string Name = "help";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "List the bot's commands",
        Contexts = [CommandContext.Guild, CommandContext.BotDm, CommandContext.PrivateChannel],
        Ephemeral = true,
    };

    CommandDefinition IBotCommand.Definition => Definition;

    public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CommandReply(Render(CommandCatalog.Definitions), Definition.Ephemeral));

    internal static string Render(IEnumerable<CommandDefinition> commands)
    {
        var text = new StringBuilder("**Commands**\n");
        foreach (var command in commands)
        {
            text.Append("`/").Append(command.Name).Append("` — ").Append(command.Description).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
