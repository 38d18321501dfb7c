namespace Serverless.Companion.Music;

/// <summary>Answers a deferred <c>/music</c> interaction. Tokens are secrets: implementations never log them.</summary>
public interface IInteractionResponder
{
    /// <summary>Replaces the "thinking…" message (<c>@original</c>) with <paramref name="content"/>, pinging nobody.</summary>
    Task EditOriginalAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken);

    /// <summary>A message only the clicking user sees: how a button click that could not be done is explained.</summary>
    Task SendEphemeralFollowupAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken);
}

/// <summary>The bot's own messages in a guild's text channel: the now-playing message and notices. Nothing they say pings anyone.</summary>
public interface IMusicTextChannel
{
    /// <returns>The new message's id.</returns>
    Task<ulong> CreateMessageAsync(ulong channelId, MusicMessage message, CancellationToken cancellationToken);

    /// <returns>False when the message no longer exists (deleted by someone), so the caller can post a new one.</returns>
    Task<bool> EditMessageAsync(ulong channelId, ulong messageId, MusicMessage message, CancellationToken cancellationToken);

    /// <summary>A message already gone is not an error.</summary>
    Task DeleteMessageAsync(ulong channelId, ulong messageId, CancellationToken cancellationToken);
}

/// <summary>A message of the music feature: text, and buttons in one row (empty for a plain notice).</summary>
public sealed record MusicMessage(string Content, IReadOnlyList<MusicButton> Buttons)
{
    public static MusicMessage Text(string content) => new(content, []);
}

/// <summary>A button whose click comes back through the voice queue with <see cref="CustomId"/> (see <c>MusicCommand.Buttons</c>).</summary>
public sealed record MusicButton(string CustomId, string Label, MusicButtonStyle Style);

public enum MusicButtonStyle
{
    Primary,
    Secondary,
    Danger,
}
