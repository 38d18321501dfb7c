namespace Serverless.Domain.Controls;

/// <summary>
/// Every kill switch, guild block and limit override at one moment: small enough to load whole, read on every
/// interaction. Expired entries are kept (the store removes them lazily) and ignored by the lookups.
/// </summary>
public sealed class OperatorControlSnapshot
{
    public static readonly OperatorControlSnapshot Empty = new([], [], []);

    private readonly Dictionary<ulong, GuildBlock> _blocks;

    public OperatorControlSnapshot(IReadOnlyList<KillSwitch> switches, IReadOnlyList<GuildBlock> blocks, IReadOnlyList<LimitOverride> limitOverrides)
    {
        ArgumentNullException.ThrowIfNull(switches);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(limitOverrides);
        Switches = switches;
        Blocks = blocks;
        LimitOverrides = limitOverrides;
        _blocks = blocks.GroupBy(block => block.GuildId).ToDictionary(group => group.Key, group => group.Last());
    }

    public IReadOnlyList<KillSwitch> Switches { get; }

    public IReadOnlyList<GuildBlock> Blocks { get; }

    public IReadOnlyList<LimitOverride> LimitOverrides { get; }

    /// <summary>The active block of <paramref name="guildId"/>, if any.</summary>
    public GuildBlock? FindBlock(ulong? guildId, DateTimeOffset now) =>
        guildId is { } id && _blocks.TryGetValue(id, out var block) && block.IsActive(now) ? block : null;

    /// <summary>
    /// The active switch that turns off <paramref name="feature"/>, or <paramref name="commandPath"/> (null for a
    /// button or form, which only feature switches and switches on the feature's own command reach), in
    /// <paramref name="guildId"/> or everywhere. A guild's own switch wins over a global one, so its reason is shown.
    /// </summary>
    public KillSwitch? FindSwitch(string feature, string? commandPath, ulong? guildId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(feature);
        KillSwitch? global = null;
        foreach (var candidate in Switches)
        {
            if (!candidate.IsActive(now) || (candidate.GuildId is { } scope && scope != guildId))
            {
                continue;
            }

            var matches = candidate.Target.Kind == ControlTargetKind.Feature
                ? string.Equals(candidate.Target.Name, feature, StringComparison.Ordinal)
                : candidate.Target.CoversCommand(commandPath ?? feature);
            if (!matches)
            {
                continue;
            }

            if (candidate.GuildId is not null)
            {
                return candidate;
            }

            global ??= candidate;
        }

        return global;
    }

    /// <summary>The active override of <paramref name="bucket"/> for <paramref name="subject"/>, if any.</summary>
    public LimitOverride? FindOverride(LimitSubject subject, string bucket, DateTimeOffset now)
    {
        foreach (var candidate in LimitOverrides)
        {
            if (candidate.Subject == subject && string.Equals(candidate.Bucket, bucket, StringComparison.Ordinal) && candidate.IsActive(now))
            {
                return candidate;
            }
        }

        return null;
    }
}
