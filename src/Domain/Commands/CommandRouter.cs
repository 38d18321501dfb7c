using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Commands;

/// <summary>Maps a command name, or a submitted modal's custom_id, to the one class that handles it.</summary>
public sealed class CommandRouter(PingCommand ping, HelpCommand help, StatusCommand status, ScheduleCommand schedule, MusicCommand music)
{
    public IBotCommand? Find(string name) => name switch
    {
        PingCommand.Name => ping,
        HelpCommand.Name => help,
        StatusCommand.Name => status,
        ScheduleCommand.Name => schedule,
        MusicCommand.Name => music,
        _ => null,
    };

    public IModalHandler? FindModalHandler(string customId) =>
        customId.StartsWith(schedule.CustomIdPrefix, StringComparison.Ordinal) ? schedule : null;
}
