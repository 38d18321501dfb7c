using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Controls;

/// <summary>What one change did, in words for whoever asked: the admin slash command and <c>bot-ops</c> print <see cref="Message"/>.</summary>
/// <param name="Changed">False when the request was refused (<see cref="Refused"/>) or found nothing to change.</param>
/// <param name="Refused">True when validation refused it: nothing was written, not even the audit entry.</param>
public sealed record ControlChangeResult(bool Changed, bool Refused, string Message, ControlAuditEntry? Audit)
{
    public static ControlChangeResult Refuse(string message) => new(false, true, message, null);
}

/// <summary>
/// The one place operator controls are changed, by the <c>/admin</c> command and by <c>bot-ops</c> alike, so the rules
/// live once: a reason is required (at most <see cref="MaxReasonLength"/> characters), targets and buckets must name
/// a feature or command the bot has, an expiry lies in the future, and the audit entry is written before the change,
/// so no change is ever made without its record.
/// </summary>
public sealed class OperatorControlChanges(
    IOperatorControlStore store,
    ICommandLimitStore? limits,
    FeatureCatalog catalog,
    TimeProvider timeProvider)
{
    public const int MaxReasonLength = 200;

    /// <summary>The largest capacity an override may give: beyond it a limit is no limit.</summary>
    public const int MaxCapacity = 10_000;

    public IOperatorControlStore Store => store;

    /// <summary>The token buckets, when this app has them: <c>limits show</c> reads them, <c>limits reset</c> refills them.</summary>
    public ICommandLimitStore? Limits => limits;

    /// <summary>The feature names a bucket or <c>feature:NAME</c> may name, in catalog order.</summary>
    public IReadOnlyList<string> FeatureNames { get; } = [.. catalog.Routes.Select(route => route.Feature).Distinct(StringComparer.Ordinal)];

    public async Task<ControlChangeResult> DisableAsync(ControlTarget target, ulong? guildId, string? reason, string actor, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckTarget(target) ?? CheckReason(reason, required: true) ?? CheckExpiry(expiresAt, now)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        var scope = Scope(guildId);
        var audit = await AuditAsync(now, actor, ControlActions.FeatureDisabled, target.ToString(), reason!, $"{scope}{Until(expiresAt)}", cancellationToken);
        await store.SetSwitchAsync(new KillSwitch { Target = target, GuildId = guildId, Reason = reason!.Trim(), SetBy = actor, SetAt = now, ExpiresAt = expiresAt }, cancellationToken);
        return new ControlChangeResult(true, false, $"Disabled {target} {scope}{Until(expiresAt)}. Users see: {reason!.Trim()}", audit);
    }

    public async Task<ControlChangeResult> EnableAsync(ControlTarget target, ulong? guildId, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (CheckReason(reason, required: false) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        // No catalog check: a switch on a command that has since been removed must still be removable.
        var scope = Scope(guildId);
        var audit = await AuditAsync(now, actor, ControlActions.FeatureEnabled, target.ToString(), reason, scope, cancellationToken);
        var removed = await store.RemoveSwitchAsync(target, guildId, cancellationToken);
        return new ControlChangeResult(
            removed,
            false,
            removed ? $"Enabled {target} {scope}." : $"{target} was not disabled {scope}; nothing changed.",
            audit);
    }

    public async Task<ControlChangeResult> BlockGuildAsync(ulong guildId, string? reason, string actor, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckGuild(guildId) ?? CheckReason(reason, required: true) ?? CheckExpiry(expiresAt, now)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        var guild = Id(guildId);
        var audit = await AuditAsync(now, actor, ControlActions.GuildBlocked, "guild:" + guild, reason!, expiresAt is null ? null : Until(expiresAt).Trim(), cancellationToken);
        await store.BlockGuildAsync(new GuildBlock { GuildId = guildId, Reason = reason!.Trim(), BlockedBy = actor, BlockedAt = now, ExpiresAt = expiresAt }, cancellationToken);
        return new ControlChangeResult(true, false, $"Blocked guild {guild}{Until(expiresAt)}.", audit);
    }

    public async Task<ControlChangeResult> UnblockGuildAsync(ulong guildId, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckGuild(guildId) ?? CheckReason(reason, required: false)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        var guild = Id(guildId);
        var audit = await AuditAsync(now, actor, ControlActions.GuildUnblocked, "guild:" + guild, reason, null, cancellationToken);
        var removed = await store.UnblockGuildAsync(guildId, cancellationToken);
        return new ControlChangeResult(removed, false, removed ? $"Unblocked guild {guild}." : $"Guild {guild} was not blocked; nothing changed.", audit);
    }

    public async Task<ControlChangeResult> OverrideLimitAsync(LimitSubject subject, string? bucket, LimitPolicy policy, string? reason, string actor, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckSubject(subject) ?? CheckBucket(bucket) ?? CheckPolicy(policy) ?? CheckReason(reason, required: true) ?? CheckExpiry(expiresAt, now)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        var name = bucket!.Trim().ToLowerInvariant();
        var detail = $"{Describe(policy)}{Until(expiresAt)}";
        var audit = await AuditAsync(now, actor, ControlActions.LimitOverridden, $"{subject} {name}", reason!, detail, cancellationToken);
        await store.SetLimitOverrideAsync(new LimitOverride { Subject = subject, Bucket = name, Policy = policy, Reason = reason!.Trim(), SetBy = actor, SetAt = now, ExpiresAt = expiresAt }, cancellationToken);
        return new ControlChangeResult(true, false, $"{subject} may now run {Describe(policy)} of {name}{Until(expiresAt)}.", audit);
    }

    /// <summary>Removes the override of <paramref name="bucket"/>, or every override of the subject when null.</summary>
    public async Task<ControlChangeResult> RemoveLimitOverrideAsync(LimitSubject subject, string? bucket, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckSubject(subject) ?? (bucket is null ? null : CheckBucket(bucket)) ?? CheckReason(reason, required: false)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        var name = bucket?.Trim().ToLowerInvariant();
        var audit = await AuditAsync(now, actor, ControlActions.LimitOverrideRemoved, name is null ? subject.ToString() : $"{subject} {name}", reason, name is null ? "every bucket" : null, cancellationToken);
        var removed = await store.RemoveLimitOverridesAsync(subject, name, cancellationToken);
        return new ControlChangeResult(
            removed > 0,
            false,
            removed > 0 ? $"Removed {Count(removed, "override")} of {subject}; the defaults apply again." : $"{subject} had no override{(name is null ? "" : " of " + name)}; nothing changed.",
            audit);
    }

    /// <summary>Refills the subject's buckets (or one): a user who was limited may run commands again at once.</summary>
    public async Task<ControlChangeResult> ResetLimitAsync(LimitSubject subject, string? bucket, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if ((CheckSubject(subject) ?? (bucket is null ? null : CheckBucket(bucket)) ?? CheckReason(reason, required: true)) is { } problem)
        {
            return ControlChangeResult.Refuse(problem);
        }

        if (limits is null)
        {
            return ControlChangeResult.Refuse("Command limits are not set up in this app, so there is nothing to reset.");
        }

        var name = bucket?.Trim().ToLowerInvariant();
        var audit = await AuditAsync(now, actor, ControlActions.LimitReset, name is null ? subject.ToString() : $"{subject} {name}", reason!, name is null ? "every bucket" : null, cancellationToken);
        var reset = await limits.ResetAsync(subject, name, cancellationToken);
        return new ControlChangeResult(reset > 0, false, reset > 0 ? $"Reset {Count(reset, "bucket")} of {subject}." : $"{subject} had no {(name is null ? "" : name + " ")}bucket in use; nothing to reset.", audit);
    }

    /// <summary>Null when <paramref name="target"/> names a feature or a command (or subcommand) the bot has; else what is wrong.</summary>
    public string? CheckTarget(ControlTarget target)
    {
        if (target.Kind == ControlTargetKind.Feature)
        {
            return FeatureNames.Contains(target.Name, StringComparer.Ordinal)
                ? null
                : $"No such feature {target.Name}; known: {string.Join(", ", FeatureNames)}.";
        }

        var words = target.Name.Split(' ');
        var definition = catalog.Commands.FirstOrDefault(command => string.Equals(command.Name, words[0], StringComparison.Ordinal));
        if (definition is null)
        {
            return $"No such command {target}; known: {string.Join(", ", catalog.Commands.Select(command => "/" + command.Name))}.";
        }

        var options = definition.Options;
        var path = "/" + definition.Name;
        foreach (var word in words.Skip(1))
        {
            var next = options.FirstOrDefault(option =>
                option.Type is CommandOptionType.SubCommand or CommandOptionType.SubCommandGroup && string.Equals(option.Name, word, StringComparison.Ordinal));
            if (next is null)
            {
                var known = options.Where(option => option.Type is CommandOptionType.SubCommand or CommandOptionType.SubCommandGroup).Select(option => $"{path} {option.Name}").ToList();
                return known.Count == 0
                    ? $"{path} has no subcommands; disable {path} itself."
                    : $"No such command {path} {word}; known: {string.Join(", ", known)}.";
            }

            path += " " + next.Name;
            options = next.Options;
        }

        return null;
    }

    private static string? CheckReason(string? reason, bool required)
    {
        var text = reason?.Trim() ?? "";
        if (required && text.Length == 0)
        {
            return "A reason is required: say why, in words the people affected can read.";
        }

        return text.Length > MaxReasonLength
            ? string.Create(CultureInfo.InvariantCulture, $"The reason is {text.Length} characters; keep it to {MaxReasonLength}.")
            : null;
    }

    private static string? CheckExpiry(DateTimeOffset? expiresAt, DateTimeOffset now) =>
        expiresAt is { } until && until <= now ? "The expiry is in the past; give a duration from now, or none for no expiry." : null;

    private static string? CheckGuild(ulong guildId) => guildId == 0 ? "Give a guild id (a number, as Discord shows it)." : null;

    private static string? CheckSubject(LimitSubject subject) => subject.Id == 0 ? "Give a user or guild id (a number, as Discord shows it)." : null;

    private string? CheckBucket(string? bucket)
    {
        var name = bucket?.Trim().ToLowerInvariant() ?? "";
        return FeatureNames.Contains(name, StringComparer.Ordinal)
            ? null
            : $"No such bucket '{name}'; buckets are features: {string.Join(", ", FeatureNames)}.";
    }

    private static string? CheckPolicy(LimitPolicy policy) =>
        policy.Capacity is < 0 or > MaxCapacity
            ? string.Create(CultureInfo.InvariantCulture, $"The capacity must be between 0 (refuse every command) and {MaxCapacity}.")
            : policy.Per <= TimeSpan.Zero || policy.Per > ControlDuration.Max
                ? "The period must be a duration such as 30s, 1m or 1h."
                : null;

    private async Task<ControlAuditEntry> AuditAsync(DateTimeOffset now, string actor, string action, string target, string? reason, string? detail, CancellationToken cancellationToken)
    {
        var entry = new ControlAuditEntry { At = now, Actor = actor, Action = action, Target = target, Reason = reason?.Trim() ?? "", Detail = detail };
        await store.AppendAuditAsync(entry, cancellationToken);
        return entry;
    }

    public static string Describe(LimitPolicy policy) =>
        string.Create(CultureInfo.InvariantCulture, $"{policy.Capacity} per {ControlDuration.Format(policy.Per)}");

    private static string Scope(ulong? guildId) => guildId is { } guild ? "in guild " + Id(guild) : "everywhere";

    private static string Until(DateTimeOffset? expiresAt) =>
        expiresAt is { } until ? " until " + until.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");
}
