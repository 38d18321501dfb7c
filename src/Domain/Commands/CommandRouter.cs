using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Commands;

/// <summary>
/// Maps a command name, a submitted modal's custom_id or a clicked component's custom_id to the one class or route
/// that handles it.
/// </summary>
/// <param name="additionalCommands">
/// Commands registered as <see cref="IBotCommand"/> besides the catalog's, found after them (a catalog name always wins).
/// Empty in the app; tests add commands of their own here.
/// </param>
public sealed class CommandRouter(PingCommand ping, HelpCommand help, StatusCommand status, ScheduleCommand schedule, MusicCommand music, IEnumerable<IBotCommand> additionalCommands)
{
    /// <summary>Every component family a feature puts on its messages; see <see cref="ComponentRoute"/>.</summary>
    private readonly ComponentRoute[] _componentRoutes = [MusicButtons.Route];

    private readonly IBotCommand[] _additionalCommands = [.. additionalCommands];

    public IBotCommand? Find(string name) => name switch
    {
        PingCommand.Name => ping,
        HelpCommand.Name => help,
        StatusCommand.Name => status,
        ScheduleCommand.Name => schedule,
        MusicCommand.Name => music,
        _ => Array.Find(_additionalCommands, command => string.Equals(command.Definition.Name, name, StringComparison.Ordinal)),
    };

    /// <summary>The route of a clicked button or chosen select-menu value, or null when no feature owns the custom_id.</summary>
    public ComponentRoute? FindComponentRoute(string customId) =>
        Array.Find(_componentRoutes, route => route.Matches(customId));

    public IModalHandler? FindModalHandler(string customId) =>
        customId.StartsWith(schedule.CustomIdPrefix, StringComparison.Ordinal) ? schedule : null;
}
