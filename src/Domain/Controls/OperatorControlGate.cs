using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Controls;

/// <summary>
/// Decides, before anything runs or is queued, whether an interaction may go on: routes of <see cref="ExemptFeature"/>
/// always may (owners must be able to undo a switch or block from anywhere); then a blocked guild gets a short notice,
/// a command or feature turned off gets its switch's reason, and a user or guild past its command limit gets the time
/// to retry. Callers log the decision's reason code. Queued work is checked again (<see cref="CheckQueuedAsync"/>) without taking from the limits.
/// </summary>
public sealed class OperatorControlGate(
    IOperatorControls controls,
    ICommandLimitStore limits,
    IOptions<CommandLimitOptions> limitOptions,
    TimeProvider timeProvider)
{
    /// <summary>The feature (the admin slash command) the gate never refuses.</summary>
    public const string ExemptFeature = "admin";

    /// <summary>What a blocked guild's members see: deliberately not the operator's reason.</summary>
    public const string BlockedNotice = "This server can't use the bot right now.";

    /// <summary>The most of an operator's reason a refusal quotes.</summary>
    public const int MaxReasonLength = 300;

    private readonly CommandLimitOptions _limits = limitOptions.Value;

    /// <summary>
    /// The gate for an interaction as it arrives. <paramref name="commandPath"/> is the command as typed
    /// (<c>schedule create</c>) for a command, null for a button or form. Commands and clicks take a token from the
    /// user's and then the guild's bucket of <paramref name="feature"/>; form submits do not (the command that opened
    /// the form was counted).
    /// </summary>
    public ValueTask<GateDecision> CheckAsync(string feature, string? commandPath, RouteKind kind, ulong? guildId, ulong userId, CancellationToken cancellationToken) =>
        CheckAsync(feature, commandPath, kind, guildId, kind == RouteKind.Form ? null : userId, cancellationToken);

    /// <summary>The gate for queued work about to run: blocks and switches only, since the endpoint already counted it.</summary>
    public ValueTask<GateDecision> CheckQueuedAsync(string feature, string? commandPath, RouteKind kind, ulong? guildId, CancellationToken cancellationToken) =>
        CheckAsync(feature, commandPath, kind, guildId, limitedUser: null, cancellationToken);

    private async ValueTask<GateDecision> CheckAsync(string feature, string? commandPath, RouteKind kind, ulong? guildId, ulong? limitedUser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feature);
        if (string.Equals(feature, ExemptFeature, StringComparison.Ordinal))
        {
            return GateDecision.Allow;
        }

        var snapshot = await controls.GetAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (snapshot.FindBlock(guildId, now) is not null)
        {
            return new GateDecision(GateRefusal.Blocked, BlockedNotice);
        }

        if (snapshot.FindSwitch(feature, kind == RouteKind.Command ? commandPath : null, guildId, now) is { } killSwitch)
        {
            return new GateDecision(GateRefusal.Disabled, DisabledMessage(killSwitch));
        }

        if (limitedUser is not { } userId || !_limits.Enabled)
        {
            return GateDecision.Allow;
        }

        var user = new LimitSubject(LimitSubjectKind.User, userId);
        var taken = await TakeAsync(snapshot, user, feature, now, cancellationToken);
        if (taken.Allowed && guildId is { } guild)
        {
            taken = await TakeAsync(snapshot, new LimitSubject(LimitSubjectKind.Guild, guild), feature, now, cancellationToken);
        }

        return taken.Allowed
            ? GateDecision.Allow
            : new GateDecision(GateRefusal.Limited, LimitedMessage(kind == RouteKind.Command ? commandPath : null, taken.RetryAt ?? now));
    }

    private ValueTask<LimitDecision> TakeAsync(OperatorControlSnapshot snapshot, LimitSubject subject, string bucket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = snapshot.FindOverride(subject, bucket, now)?.Policy ?? _limits.PolicyFor(subject.Kind, bucket);
        return limits.TryTakeAsync(subject, bucket, policy, now, cancellationToken);
    }

    /// <summary>The polite answer to a switched-off command or feature, quoting the operator's reason as plain text.</summary>
    public static string DisabledMessage(KillSwitch killSwitch)
    {
        ArgumentNullException.ThrowIfNull(killSwitch);
        var what = killSwitch.Target.Kind == ControlTargetKind.Feature
            ? $"The {killSwitch.Target.Name} feature is"
            : $"`/{killSwitch.Target.Name}` is";
        var reason = Plain(killSwitch.Reason);
        return reason.Length == 0
            ? $"{what} turned off right now. Please try again later."
            : $"{what} turned off right now: {reason}. Please try again later.";
    }

    /// <summary>The answer to a user past a limit, with a Discord timestamp that counts down to when to retry.</summary>
    public static string LimitedMessage(string? commandPath, DateTimeOffset retryAt)
    {
        var when = string.Create(CultureInfo.InvariantCulture, $"<t:{retryAt.ToUnixTimeSeconds()}:R>");
        return commandPath is null
            ? $"You're going a bit fast: try that again {when}."
            : $"You're going a bit fast: try `/{commandPath}` again {when}.";
    }

    /// <summary>Operator text shown as written: one line, markdown escaped, mentions broken, shortened; no trailing full stop to double.</summary>
    private static string Plain(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxReasonLength) + 16);
        foreach (var c in ReplyText.Shorten(text.Trim(), MaxReasonLength))
        {
            switch (c)
            {
                case '\r' or '\n' or '\t':
                    builder.Append(' ');
                    break;
                case '\\' or '*' or '_' or '~' or '`' or '|' or '>' or '[' or ']' or '(' or ')' or '#' or '<':
                    builder.Append('\\').Append(c);
                    break;
                case '@':
                    // A zero-width space after @ keeps "@everyone" from reading as a mention even where mentions are allowed.
                    builder.Append("@\u200B");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString().TrimEnd('.', ' ');
    }
}
