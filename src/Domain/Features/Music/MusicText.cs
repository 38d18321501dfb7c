using System.Globalization;
using System.Text;

namespace Serverless.Domain.Features.Music;

/// <summary>
/// Every sentence the music feature shows. Titles and authors come from the internet, so they are escaped for
/// Discord's markdown; mentions are written as <c>&lt;@id&gt;</c> and must be sent with <c>allowed_mentions</c>
/// <c>{"parse":[]}</c> (as every reply of the bot is), so they render as names and never ping.
/// </summary>
public static class MusicText
{
    public const string JoinVoiceFirst = "Join a voice channel first.";
    public const string LavalinkUnavailable = "The audio server is unavailable right now; try again in a minute.";
    public const string NothingPlaying = "Nothing is playing.";
    public const string NothingToUnshuffle = "There is no shuffle to undo.";
    public const string NothingToShuffle = "There are fewer than two tracks up next, so there is nothing to shuffle.";
    public const string GuildOnly = "Music plays in a server's voice channel: use `/music` in a server.";

    /// <summary>Says nothing of why: the audio server's error text could tell what it reached inside the network.</summary>
    public const string CouldNotLoad = "I couldn't load that: it may be private, removed or not playable here.";

    /// <summary>A link to a loopback, private, link-local or cloud metadata address, or to a host not allowed.</summary>
    public const string LinkNotAllowed = "I can only play links to public websites.";

    /// <summary>A link whose host name does not resolve.</summary>
    public const string LinkHostUnknown = "I couldn't find the website in that link.";

    /// <summary>The progress bar's cells.</summary>
    public const int ProgressBarWidth = 16;

    private const int MaxShownTextLength = 80;

    public static string SomethingWentWrong(string correlationId) =>
        $"Something went wrong (reference `{correlationId}`).";

    public static string NothingFound(string query) => $"Nothing found for “{Escape(query)}”.";

    public static string CannotJoin(ulong channelId, string missing) => $"I can't play in {Channel(channelId)}: I'm missing {missing} there.";

    public static string BusyElsewhere(ulong channelId) => $"I'm already playing in {Channel(channelId)}; join it to listen or control the music.";

    public static string JoinBotChannel(ulong channelId) => $"Join {Channel(channelId)} to control the music.";

    /// <summary>"m:ss", or "h:mm:ss" from an hour.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}:{duration.Minutes:00}:{duration.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes}:{duration.Seconds:00}");
    }

    public static string Length(MusicTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        return track.IsStream ? "live" : Duration(track.Length);
    }

    /// <summary>"**Title** by Author (3:25)".</summary>
    public static string Describe(MusicTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        return $"**{Escape(Shorten(track.Title))}** by {Escape(Shorten(track.Author))} ({Length(track)})";
    }

    public static string Queued(MusicTrack track, int position) =>
        $"Queued {Describe(track)} — position {position.ToString(CultureInfo.InvariantCulture)}";

    public static string StartedPlaying(MusicTrack track) => $"Now playing {Describe(track)}";

    /// <summary>A playlist's answer, saying what the limits cut.</summary>
    public static string QueuedPlaylist(string? name, EnqueueResult result, bool startedPlaying)
    {
        ArgumentNullException.ThrowIfNull(result);
        var count = result.Added.Count;
        var what = string.IsNullOrWhiteSpace(name) ? "the playlist" : $"**{Escape(Shorten(name))}**";
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Queued {count} track{(count == 1 ? "" : "s")} from {what}"));
        if (startedPlaying && count > 0)
        {
            text.Append(" — now playing ").Append(Describe(result.Added[0]));
        }

        if (result.Dropped > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $". {result.Dropped} more didn't fit: a queue holds at most {MusicSession.MaxTracks} tracks");
        }

        return text.Append('.').ToString();
    }

    public static string QueueFull() => $"The queue is full ({MusicSession.MaxTracks} tracks at most). Skip or stop something first.";

    /// <summary>
    /// One page of the queue: what is playing, then up to <see cref="MusicSession.PageSize"/> upcoming tracks, then
    /// "page 3 of 5". A page past the end shows the last one.
    /// </summary>
    public static string QueuePage(MusicSession session, int page, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Current is null && session.Upcoming.Count == 0)
        {
            return "The queue is empty. Add something with `/music play`.";
        }

        var pages = session.PageCount;
        page = Math.Clamp(page, 1, pages);
        var text = new StringBuilder();
        if (session.Current is { } current)
        {
            text.Append("**Now:** ").Append(Describe(current))
                .Append(CultureInfo.InvariantCulture, $" — {Duration(TimeSpan.FromMilliseconds(session.PositionAt(now)))} in")
                .Append(session.Paused ? " (paused)" : "").Append('\n');
        }

        if (session.Upcoming.Count == 0)
        {
            return text.Append("Nothing up next.").ToString();
        }

        text.Append("**Up next:**\n");
        var first = (page - 1) * MusicSession.PageSize;
        for (var i = first; i < Math.Min(first + MusicSession.PageSize, session.Upcoming.Count); i++)
        {
            var track = session.Upcoming[i];
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. ").Append(Describe(track)).Append(" — ").Append(Requester(track)).Append('\n');
        }

        var total = TimeSpan.FromTicks(session.Upcoming.Where(track => !track.IsStream).Sum(track => track.Length.Ticks));
        return text.Append(CultureInfo.InvariantCulture, $"Page {page} of {pages} · {session.Upcoming.Count} up next · {Duration(total)} in all").ToString();
    }

    /// <summary>The now-playing text: title, a progress bar with times, requester, volume and state.</summary>
    public static string NowPlaying(MusicSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Current is not { } track)
        {
            return NothingPlaying;
        }

        var position = TimeSpan.FromMilliseconds(session.PositionAt(now));
        var text = new StringBuilder(session.Paused ? "⏸ **Paused:** " : "▶ **Now playing:** ").Append(Describe(track)).Append('\n');
        text.Append(track.IsStream
            ? $"🔴 live · {Duration(position)}"
            : $"{ProgressBar(position, track.Length)} {Duration(position)} / {Duration(track.Length)}");
        text.Append('\n').Append("Requested by ").Append(Requester(track))
            .Append(CultureInfo.InvariantCulture, $" · volume {session.Volume}%");
        if (session.Upcoming.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" · {session.Upcoming.Count} up next");
        }

        return text.ToString();
    }

    /// <summary>A bar of <see cref="ProgressBarWidth"/> cells with a marker where <paramref name="position"/> is.</summary>
    public static string ProgressBar(TimeSpan position, TimeSpan length, int width = ProgressBarWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        var fraction = length <= TimeSpan.Zero ? 0 : Math.Clamp(position / length, 0, 1);
        var marker = (int)Math.Round(fraction * (width - 1));
        var bar = new StringBuilder(width);
        for (var i = 0; i < width; i++)
        {
            bar.Append(i == marker ? '●' : i < marker ? '━' : '─');
        }

        return bar.ToString();
    }

    public static string Skipped(MusicTrack track, string reason)
    {
        ArgumentNullException.ThrowIfNull(track);
        return $"Skipped **{Escape(Shorten(track.Title))}**: {Escape(reason)}";
    }

    public static string Volume(int volume) => $"Volume set to {volume.ToString(CultureInfo.InvariantCulture)}%.";

    /// <summary>A user mention; rendered as a name, and never a ping when sent with <c>allowed_mentions</c> parse [].</summary>
    public static string Requester(MusicTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        return "<@" + track.RequesterId.ToString(CultureInfo.InvariantCulture) + ">";
    }

    public static string Channel(ulong channelId) => "<#" + channelId.ToString(CultureInfo.InvariantCulture) + ">";

    /// <summary>Backslash before every character Discord's markdown reacts to, so a title shows as typed.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var character in text)
        {
            if (character is '\\' or '*' or '_' or '~' or '`' or '|' or '>' or '[' or ']')
            {
                escaped.Append('\\');
            }

            escaped.Append(character);
        }

        return escaped.ToString();
    }

    private static string Shorten(string text) =>
        text.Length <= MaxShownTextLength ? text : string.Concat(text.AsSpan(0, MaxShownTextLength - 1), "…");
}
