using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Music;

/// <summary>
/// <c>/music</c>: one command whose subcommands drive the guild's player. <see cref="MusicFeature"/> defers it to the
/// companion, which holds the gateway and Lavalink, over the <c>voice</c> queue; the same queue carries the now-playing
/// message's buttons: the button's custom_id (one of <see cref="Buttons"/>) arrives as option
/// <see cref="InteractionRoute.ComponentOption"/> with command name <see cref="Name"/>.
/// </summary>
/// <remarks>
/// Not ephemeral: a deferred answer's visibility is fixed when deferring, for every subcommand of the one definition,
/// and what plays in a shared voice channel ("Queued X", "Now playing", "Skipped", "Volume 50 %") is news for everyone
/// in it. The few errors meant for one person ("Join a voice channel first.") are short and harmless in public.
/// </remarks>
public static class MusicCommand
{
    public const string Name = "music";

    public const int MaxQueryLength = 500;

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Play music in your voice channel",
        Contexts = [CommandContext.Guild],
        ResponseMode = CommandResponseMode.DeferredToVoice,
        Ephemeral = false,
        Options =
        [
            new()
            {
                Name = "play",
                Description = "Play a link, or the first search hit for some text; queued if something is playing",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new() { Name = "query", Description = "A link (video, playlist, stream) or words to search for", Type = CommandOptionType.String, Required = true, MaxLength = MaxQueryLength },
                ],
            },
            new() { Name = "pause", Description = "Pause the music", Type = CommandOptionType.SubCommand },
            new() { Name = "resume", Description = "Resume paused music", Type = CommandOptionType.SubCommand },
            new() { Name = "skip", Description = "Skip to the next track", Type = CommandOptionType.SubCommand },
            new() { Name = "stop", Description = "Stop and clear the queue", Type = CommandOptionType.SubCommand },
            new()
            {
                Name = "queue",
                Description = "Show what is playing and up next",
                Type = CommandOptionType.SubCommand,
                Options = [new() { Name = "page", Description = "Which page of the queue (10 tracks each)", Type = CommandOptionType.Integer, MinValue = 1 }],
            },
            new() { Name = "nowplaying", Description = "Show the track playing now", Type = CommandOptionType.SubCommand },
            new() { Name = "shuffle", Description = "Shuffle the tracks up next", Type = CommandOptionType.SubCommand },
            new() { Name = "unshuffle", Description = "Undo the last shuffle", Type = CommandOptionType.SubCommand },
            new()
            {
                Name = "volume",
                Description = "Set the volume",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new() { Name = "level", Description = "0 to 200 percent; 100 is the track's own loudness", Type = CommandOptionType.Integer, Required = true, MinValue = MusicVolume.Min, MaxValue = MusicVolume.Max },
                ],
            },
            new() { Name = "leave", Description = "Stop, clear the queue and leave the voice channel", Type = CommandOptionType.SubCommand },
        ],
    };

    /// <summary>
    /// The buttons on the companion's "now playing" messages. A click is acknowledged at once (type 6) and queued on the
    /// <c>voice</c> queue; the companion acts on it and then edits the message or sends a follow-up.
    /// </summary>
    public static class Buttons
    {
        /// <summary>Starts every music button's custom_id: the prefix <see cref="MusicFeature"/> registers.</summary>
        public const string Prefix = Name + ":";

        public const string Pause = Prefix + "pause";
        public const string Resume = Prefix + "resume";
        public const string Skip = Prefix + "skip";
        public const string Stop = Prefix + "stop";
    }

    /// <summary>
    /// What a <c>/music</c> invocation or a button click asks for. Values Discord already bounds (volume, page) are
    /// checked again: the queue message could be replayed or hand-made.
    /// </summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> options, out MusicRequest request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        request = new MusicRequest(MusicAction.NowPlaying);
        error = null;
        if (options.TryGetValue(InteractionRoute.ComponentOption, out var button))
        {
            MusicAction? clicked = button switch
            {
                Buttons.Pause => MusicAction.Pause,
                Buttons.Resume => MusicAction.Resume,
                Buttons.Skip => MusicAction.Skip,
                Buttons.Stop => MusicAction.Stop,
                _ => null,
            };
            if (clicked is null)
            {
                error = "That button is no longer in use.";
                return false;
            }

            request = new MusicRequest(clicked.Value) { FromButton = true };
            return true;
        }

        switch (options.GetValueOrDefault("subcommand"))
        {
            case "play":
                var query = options.GetValueOrDefault("query")?.Trim();
                if (string.IsNullOrEmpty(query))
                {
                    error = "Tell me what to play: a link or some words to search for.";
                    return false;
                }

                request = new MusicRequest(MusicAction.Play) { Query = query.Length > MaxQueryLength ? query[..MaxQueryLength] : query };
                return true;
            case "queue":
                var page = 1;
                if (options.TryGetValue("page", out var pageText)
                    && (!int.TryParse(pageText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out page) || page < 1))
                {
                    error = "Pages start at 1.";
                    return false;
                }

                request = new MusicRequest(MusicAction.Queue) { Page = page };
                return true;
            case "volume":
                if (!int.TryParse(options.GetValueOrDefault("level"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level)
                    || !MusicVolume.IsValid(level))
                {
                    error = $"Volume goes from {MusicVolume.Min} to {MusicVolume.Max} (100 is normal).";
                    return false;
                }

                request = new MusicRequest(MusicAction.Volume) { Volume = level };
                return true;
            case "pause": request = new MusicRequest(MusicAction.Pause); return true;
            case "resume": request = new MusicRequest(MusicAction.Resume); return true;
            case "skip": request = new MusicRequest(MusicAction.Skip); return true;
            case "stop": request = new MusicRequest(MusicAction.Stop); return true;
            case "nowplaying": request = new MusicRequest(MusicAction.NowPlaying); return true;
            case "shuffle": request = new MusicRequest(MusicAction.Shuffle); return true;
            case "unshuffle": request = new MusicRequest(MusicAction.Unshuffle); return true;
            case "leave": request = new MusicRequest(MusicAction.Leave); return true;
            default:
                error = "Discord sent a `/music` subcommand I don't know; the command list may be out of date.";
                return false;
        }
    }
}

public enum MusicAction
{
    Play,
    Pause,
    Resume,
    Skip,
    Stop,
    Queue,
    NowPlaying,
    Shuffle,
    Unshuffle,
    Volume,
    Leave,
}

/// <summary>One parsed <c>/music</c> use or button click.</summary>
public sealed record MusicRequest(MusicAction Action)
{
    /// <summary>Play only: a link, or text to search for.</summary>
    public string? Query { get; init; }

    /// <summary>Queue only: 1-based.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Volume only: 0–200.</summary>
    public int Volume { get; init; }

    /// <summary>A button of the now-playing message rather than the slash command.</summary>
    public bool FromButton { get; init; }
}
