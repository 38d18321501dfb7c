using System.Globalization;

namespace Serverless.Domain.Permissions;

/// <summary>Whether the bot may join and talk in a voice channel, from Discord's view of its roles and the channel's overwrites.</summary>
public interface IVoicePermissionCheck
{
    /// <summary>Throws when Discord cannot be asked (unavailable, rate limited); a refusal is a <see cref="VoiceJoinCheck"/>.</summary>
    Task<VoiceJoinCheck> CheckCanJoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken);
}

/// <summary>Whether the bot can play in a voice channel, and if not, one sentence saying what to change.</summary>
public sealed record VoiceJoinCheck
{
    private VoiceJoinCheck(string? problem) => Problem = problem;

    public static VoiceJoinCheck Allowed { get; } = new((string?)null);

    public bool CanJoin => Problem is null;

    public string? Problem { get; }

    public static VoiceJoinCheck Refused(string problem) => new(problem);

    /// <summary>View Channel (without it nothing else counts), Connect and Speak.</summary>
    public static VoiceJoinCheck For(ulong channelId, DiscordPermissions permissions)
    {
        var missing = new List<string>();
        if (!permissions.HasFlag(DiscordPermissions.ViewChannel))
        {
            missing.Add("View Channel");
        }

        if (!permissions.HasFlag(DiscordPermissions.Connect))
        {
            missing.Add("Connect");
        }

        if (!permissions.HasFlag(DiscordPermissions.Speak))
        {
            missing.Add("Speak");
        }

        return missing.Count == 0
            ? Allowed
            : new($"I can't play in <#{channelId.ToString(CultureInfo.InvariantCulture)}>: I'm missing {string.Join(" and ", missing)} there.");
    }
}
