using System.Text;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Help;

/// <summary><c>/help</c>: lists the commands that exist, straight from the <see cref="FeatureCatalog"/>.</summary>
public sealed class HelpCommand(FeatureCatalog catalog) : ICommandHandler
{
    public const string Name = "help";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "List the bot's commands",
        Contexts = [CommandContext.Guild, CommandContext.BotDm, CommandContext.PrivateChannel],
        Ephemeral = true,
    };

    public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CommandReply(Render(catalog.Commands), Definition.Ephemeral));

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
