using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Ping;

namespace Serverless.Domain.Commands;

/// <summary>Maps a command name to the one class that handles it.</summary>
public sealed class CommandRouter(PingCommand ping, HelpCommand help)
{
    public IBotCommand? Find(string name) => name switch
    {
        PingCommand.Name => ping,
        HelpCommand.Name => help,
        _ => null,
    };
}
