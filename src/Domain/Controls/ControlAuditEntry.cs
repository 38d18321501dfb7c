namespace Serverless.Domain.Controls;

/// <summary>One change to the operator controls: who, when, what, why. Written before the change itself, never edited.</summary>
public sealed record ControlAuditEntry
{
    public required DateTimeOffset At { get; init; }

    /// <summary>As <see cref="ControlActor"/> formats it: <c>discord:USERID</c> or <c>ops:NAME</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>One of <see cref="ControlActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The switch's target, the guild, or the limit subject and bucket, in their text forms.</summary>
    public required string Target { get; init; }

    public required string Reason { get; init; }

    /// <summary>Scope, expiry or policy, in words; null when there is nothing more to say.</summary>
    public string? Detail { get; init; }
}

public static class ControlActions
{
    public const string FeatureDisabled = "feature.disabled";
    public const string FeatureEnabled = "feature.enabled";
    public const string GuildBlocked = "guild.blocked";
    public const string GuildUnblocked = "guild.unblocked";
    public const string LimitOverridden = "limit.overridden";
    public const string LimitOverrideRemoved = "limit.override_removed";
    public const string LimitReset = "limit.reset";
    public const string GuildPurged = "guild.purged";
}

/// <summary>The actor strings of the audit record.</summary>
public static class ControlActor
{
    public static string DiscordUser(ulong userId) => "discord:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Operator(string name) => "ops:" + name;
}
