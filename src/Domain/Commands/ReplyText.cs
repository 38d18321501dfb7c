namespace Serverless.Domain.Commands;

/// <summary>Keeps text that goes into a reply within bounds: what a user typed, quoted back, and whole messages.</summary>
public static class ReplyText
{
    /// <summary>How much of a typed value an answer quotes back: enough to recognise it, never enough to fill a message.</summary>
    public const int MaxQuotedLength = 40;

    private const string Ellipsis = "…";

    /// <summary>
    /// A member's typed text made unable to mention anyone: a zero-width space after every <c>@</c> keeps
    /// <c>@everyone</c> from being sent raw, whatever a message's allowed mentions say.
    /// </summary>
    public static string Defuse(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        return typed.Replace("@", "@\u200b", StringComparison.Ordinal);
    }

    /// <summary>A member shown by name (<c>&lt;@id&gt;</c>); the bot posts with no allowed mentions, so nobody is pinged.</summary>
    public static string Mention(ulong userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"<@{userId}>");

    /// <summary>The first <see cref="MaxQuotedLength"/> characters of <paramref name="typed"/>, and "…" when there was more.</summary>
    public static string Quote(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        return Shorten(typed, MaxQuotedLength + Ellipsis.Length);
    }

    /// <summary>
    /// At most <paramref name="maxLength"/> UTF-16 characters, ending in "…" when shortened. Never splits a surrogate
    /// pair, so an emoji is kept or left out whole rather than sent as half a character.
    /// </summary>
    public static string Shorten(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, Ellipsis.Length);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var end = maxLength - Ellipsis.Length;
        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return string.Concat(text.AsSpan(0, end), Ellipsis);
    }
}
