using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Music;

/// <summary>
/// The buttons on the companion's "now playing" messages. A click is acknowledged at once (type 6) and queued on the
/// <c>voice</c> queue as a <c>music</c> command whose <see cref="ComponentRoute.CustomIdOption"/> option is the custom_id;
/// the companion acts on it and then edits the message or sends a follow-up.
/// </summary>
public static class MusicButtons
{
    public const string CommandName = "music";

    public const string Prefix = "music:";

    public const string Pause = Prefix + "pause";

    public const string Resume = Prefix + "resume";

    public const string Skip = Prefix + "skip";

    public const string Stop = Prefix + "stop";

    public static ComponentRoute Route { get; } = new()
    {
        CustomIdPrefix = Prefix,
        CommandName = CommandName,
        ResponseMode = ComponentResponseMode.DeferredUpdateToVoice,
    };
}
