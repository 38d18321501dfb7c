using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// What <c>/schedule create</c> validated, carried to the modal submit in the modal's custom_id so that nothing is
/// stored before the text arrives: <c>schedule:create:&lt;channel&gt;:&lt;due, unix seconds&gt;:&lt;post id&gt;:&lt;repeat&gt;[:&lt;cron&gt;]</c>.
/// The due instant rather than the typed time travels, because the draft must fit Discord's 100 characters and a
/// relative time ("tomorrow 9:00") must not move while the form is open.
/// </summary>
/// <param name="PostId">
/// Chosen when the form opens (<see cref="PostIds.ForInteraction"/>), so every submit of one form, retried by the user
/// or redelivered by the queue, stores the same post once.
/// </param>
public sealed record ScheduleDraft(ulong ChannelId, DateTimeOffset Due, string PostId, PostRecurrence Recurrence)
{
    public const string Prefix = "schedule:create:";

    /// <summary>The draft with the longest custom_id before its cron expression.</summary>
    internal static ScheduleDraft LongestDraft { get; } =
        new(ulong.MaxValue, DateTimeOffset.FromUnixTimeSeconds(9_999_999_999), new string('a', PostIds.Length), PostRecurrence.None);

    /// <summary>
    /// The longest cron expression that fits beside any channel id, any due time with ten digits of seconds (until
    /// 2286) and a form's post id: the cron option's max_length, so Discord refuses longer ones as they are typed.
    /// </summary>
    public static int MaxCronLengthForAnyDraft { get; } = LongestDraft.MaxCronLength();

    /// <summary>The custom_id, or null when a long cron expression does not fit Discord's limit.</summary>
    public string? Encode() => Format() is { Length: <= ModalPrompt.MaxCustomIdLength } customId ? customId : null;

    /// <summary>The longest cron expression that fits beside this draft's channel and time.</summary>
    public int MaxCronLength() =>
        ModalPrompt.MaxCustomIdLength - (this with { Recurrence = new PostRecurrence(RecurrenceKind.Cron, "") }).Format().Length;

    /// <param name="minimumRepeatInterval">Checked again: the custom_id comes back from the client.</param>
    public static bool TryDecode(string customId, TimeSpan minimumRepeatInterval, [NotNullWhen(true)] out ScheduleDraft? draft)
    {
        draft = null;
        if (!customId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // The cron expression comes last and holds no colon, but splitting at most five ways keeps it whole regardless.
        var parts = customId[Prefix.Length..].Split(':', 5);
        if (parts.Length < 4
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var channelId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var dueSeconds)
            || dueSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || !PostIds.TryNormalize(parts[2], out var postId)
            || !PostRecurrence.TryParse(parts[3], parts.Length == 5 ? parts[4] : null, minimumRepeatInterval, out var recurrence, out _))
        {
            return false;
        }

        draft = new ScheduleDraft(channelId, DateTimeOffset.FromUnixTimeSeconds(dueSeconds), postId, recurrence);
        return true;
    }

    private string Format() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Prefix}{ChannelId}:{Due.ToUnixTimeSeconds()}:{PostId}:{RepeatName(Recurrence.Kind)}{(Recurrence.Cron is { } cron ? ":" + cron : "")}");

    /// <summary>The repeat option's choice values, which <see cref="PostRecurrence.TryParse"/> reads back.</summary>
    internal static string RepeatName(RecurrenceKind kind) => kind switch
    {
        RecurrenceKind.Daily => "daily",
        RecurrenceKind.Weekly => "weekly",
        RecurrenceKind.Cron => "cron",
        _ => "none",
    };
}
