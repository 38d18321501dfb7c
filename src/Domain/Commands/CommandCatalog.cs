using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Commands;

/// <summary>Every command the bot offers, in the order <c>/help</c> lists them and the manifest declares them.</summary>
public static class CommandCatalog
{
    public static IReadOnlyList<CommandDefinition> Definitions { get; } =
    [
        PingCommand.Definition,
        HelpCommand.Definition,
        StatusCommand.Definition,
        ScheduleCommand.Definition,
        MusicCommand.Definition,
    ];
}
