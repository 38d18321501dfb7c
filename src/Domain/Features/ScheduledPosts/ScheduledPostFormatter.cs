using System.Globalization;
using System.Text;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// Renders posts for <c>/schedule list</c> and <c>/schedule show</c>. The replies go out with no mentions allowed;
/// on top of that, user text is defused so that "@everyone" is not even shown as one.
/// </summary>
internal static class ScheduledPostFormatter
{
    /// <summary>Discord's limit on a message's content.</summary>
    private const int MaxMessageLength = 2000;

    private const int SnippetLength = 40;
    private const int MaxErrorLength = 300;

    /// <summary>
    /// One page of <c>/schedule list</c>, in the order given (id order, which the next page continues from). When
    /// <paramref name="more"/> or when not every post fits one message, the last line names the next page.
    /// </summary>
    public static string ListPage(IReadOnlyList<ScheduledPost> posts, bool more, TimeZoneInfo zone)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"**Scheduled posts** (times in {zone.Id})");
        var shown = 0;
        foreach (var post in posts)
        {
            // Leave room for the "next page" line, so the reply stays one message.
            var line = ListLine(post, zone);
            if (text.Length + 1 + line.Length + NextPageLine(post.Id).Length > MaxMessageLength)
            {
                break;
            }

            text.Append('\n').Append(line);
            shown++;
        }

        if (shown > 0 && (more || shown < posts.Count))
        {
            text.Append(NextPageLine(posts[shown - 1].Id));
        }

        return text.ToString();
    }

    private static string NextPageLine(string lastShownId) =>
        $"\nMore: `/schedule list after:{lastShownId}` shows the next page.";

    public static string Show(ScheduledPost post, TimeZoneInfo zone)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**Scheduled post `{post.Id}`** — {Describe(post.Status)}\n")
            .Append(CultureInfo.InvariantCulture, $"Channel: <#{post.ChannelId}>\n")
            .Append(CultureInfo.InvariantCulture, $"Next run: {When(post.NextRunAt, zone)}\n")
            .Append(CultureInfo.InvariantCulture, $"First run: {When(post.Anchor, zone)}\n")
            .Append(CultureInfo.InvariantCulture, $"Repeat: {post.Recurrence.Describe()}\n")
            .Append(CultureInfo.InvariantCulture, $"Time zone: {zone.Id}\n")
            .Append(CultureInfo.InvariantCulture, $"Attempts: {post.Attempts}\n")
            .Append(CultureInfo.InvariantCulture, $"Last error: {(post.LastError is { } error ? Cut(ReplyText.Defuse(error), MaxErrorLength) : "none")}\n")
            .Append(CultureInfo.InvariantCulture, $"Created: {When(post.CreatedAt, zone)} by <@{post.CreatedBy}>\n");
        if (post.LastPublishedOccurrence is { } published)
        {
            text.Append(CultureInfo.InvariantCulture, $"Last published: {When(published, zone)}");
            if (post.LastMessageId is { } messageId)
            {
                text.Append(CultureInfo.InvariantCulture, $" (message {messageId})");
            }

            text.Append('\n');
        }

        // The text verbatim in a code block, shortened only as far as the message limit needs.
        const string Open = "Text:\n```\n";
        const string Close = "\n```";
        var room = MaxMessageLength - text.Length - Open.Length - Close.Length;
        var content = ReplyText.Defuse(post.Content).Replace("```", "`\u200b``", StringComparison.Ordinal);
        return text.Append(Open).Append(Cut(content, room)).Append(Close).ToString();
    }

    private static string ListLine(ScheduledPost post, TimeZoneInfo zone)
    {
        var snippet = ReplyText.Defuse(Cut(post.Content.ReplaceLineEndings(" "), SnippetLength));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"`{post.Id}` {Describe(post.Status)} · next {When(post.NextRunAt, zone)} · <#{post.ChannelId}> · {post.Recurrence.Describe()} · “{EscapeMarkdown(snippet)}”");
    }

    /// <summary>The wall-clock time alone: the zone is said once per reply, not on every line.</summary>
    public static string LocalTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        string.Create(CultureInfo.InvariantCulture, $"{WallClock.ToLocal(instant, zone):yyyy-MM-dd HH:mm}");

    private static string When(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } value ? LocalTime(value, zone) : "—";

    private static string Describe(PostStatus status) => status switch
    {
        PostStatus.Pending => "pending",
        PostStatus.Processing => "publishing",
        PostStatus.Published => "published",
        PostStatus.Failed => "failed",
        PostStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };

    /// <summary>A zero-width space after '@' keeps "@everyone" and "&lt;@id&gt;" from reading as mentions at all.</summary>

    /// <summary>Mid-line markdown only: a snippet never starts a line, so headings and quotes cannot happen.</summary>
    private static string EscapeMarkdown(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '~' or '`' or '|')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>At most <paramref name="length"/> characters, ending in "…" when shortened; never splits a surrogate pair.</summary>
    private static string Cut(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        var end = Math.Max(0, length - 1);
        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return string.Concat(text.AsSpan(0, end), "…");
    }
}
