using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Commands;

/// <summary>Maps a command name to the one class that handles it.</summary>
public sealed class CommandRouter(PingCommand ping, HelpCommand help, StatusCommand status)
{
    public IBotCommand? Find(string name) => name switch
    {
        PingCommand.Name => ping,
        HelpCommand.Name => help,
        StatusCommand.Name => status,
        _ => null,
    };
}
