using System.Net;
using Serverless.Discord.Rest;
using Serverless.Domain.Permissions;

namespace Serverless.Discord.Permissions;

/// <summary>
/// Answers "can the bot post in this channel?" from Discord's REST API, so a command can refuse a channel before
/// anything is stored, and computes a member's permissions from the roles an interaction lists. The channel is always
/// read fresh (checks that overlap share one read); the guild's roles and the bot's member are cached for a short
/// while, so a burst of checks in one guild costs one call each rather than four.
/// </summary>
public sealed class BotChannelPermissions(DiscordRestClient discord, TimeProvider timeProvider) : IChannelPostingCheck, IVoicePermissionCheck, IMemberPermissionLookup
{
    /// <summary>How long a guild's roles and the bot's roles there are trusted; role edits show after at most this.</summary>
    public static readonly TimeSpan GuildLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Guilds remembered at once; beyond this the oldest entry goes.</summary>
    public const int MaxGuilds = 2_000;

    private readonly BotGuildCache _guilds = new(timeProvider, GuildLifetime, MaxGuilds);
    private readonly SharedReads<ulong, ChannelPayload> _channelReads = new();
    private readonly SharedReads<ulong, BotGuild?> _guildReads = new();
    private readonly SharedReads<bool, ulong> _botUserReads = new();
    private ulong _botUserId;

    /// <summary>
    /// Whether the bot can post in <paramref name="channelId"/>, as a command used in <paramref name="guildId"/>
    /// would need. Refusals carry a sentence for the user; Discord failing (5xx, 429, a rejected token) throws
    /// the <see cref="DiscordApiException"/> family instead, since the answer is then unknown.
    /// </summary>
    public async Task<PostingCheck> CheckCanPostAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        ChannelPayload channel;
        try
        {
            channel = await ReadChannelAsync(channelId, cancellationToken);
        }
        catch (DiscordApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return PostingCheck.UnknownChannel;
        }
        catch (DiscordApiException e) when (e.Status == HttpStatusCode.Forbidden)
        {
            return PostingCheck.HiddenChannel;
        }

        if (channel.GuildId != guildId)
        {
            return PostingCheck.OtherGuild(channelId);
        }

        // The type alone can decide; then the guild calls are not needed.
        var type = (DiscordChannelType)channel.Type;
        if (PostingCheck.ForChannelType(channelId, type) is { CanPost: false } wrongType)
        {
            return wrongType;
        }

        var botUserId = await BotUserIdAsync(cancellationToken);
        if (await GuildAsync(guildId, botUserId, cancellationToken) is not { } guild)
        {
            return PostingCheck.NotInGuild;
        }

        var permissions = ChannelPermissionCalculator.Compute(
            guildId,
            guild.OwnerId,
            guild.Roles,
            botUserId,
            guild.BotRoleIds,
            (channel.PermissionOverwrites ?? []).Select(ToOverwrite));
        return PostingCheck.For(channelId, type, permissions);
    }

    /// <summary>
    /// Whether the bot may play in voice channel <paramref name="channelId"/>: View Channel, Connect and Speak. Like
    /// <see cref="CheckCanPostAsync"/>, Discord failing throws; a channel it cannot see or a missing guild is a refusal.
    /// </summary>
    public async Task<VoiceJoinCheck> CheckCanJoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        ChannelPayload channel;
        try
        {
            channel = await ReadChannelAsync(channelId, cancellationToken);
        }
        catch (DiscordApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return VoiceJoinCheck.Refused("I can't see your voice channel.");
        }

        if (channel.GuildId != guildId)
        {
            return VoiceJoinCheck.Refused("That voice channel is in another server.");
        }

        var botUserId = await BotUserIdAsync(cancellationToken);
        if (await GuildAsync(guildId, botUserId, cancellationToken) is not { } guild)
        {
            return VoiceJoinCheck.Refused("I'm not in this server, so I can't join its voice channels.");
        }

        var permissions = ChannelPermissionCalculator.Compute(
            guildId,
            guild.OwnerId,
            guild.Roles,
            botUserId,
            guild.BotRoleIds,
            (channel.PermissionOverwrites ?? []).Select(ToOverwrite));
        return VoiceJoinCheck.For(channelId, permissions);
    }

    public async Task<DiscordPermissions?> InGuildAsync(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken)
    {
        var botUserId = await BotUserIdAsync(cancellationToken);
        return await GuildAsync(guildId, botUserId, cancellationToken) is { } guild
            ? ChannelPermissionCalculator.Compute(guildId, guild.OwnerId, guild.Roles, userId, roleIds, [])
            : null;
    }

    public async Task<DiscordPermissions?> InChannelAsync(ulong guildId, ulong channelId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken)
    {
        ChannelPayload channel;
        try
        {
            channel = await ReadChannelAsync(channelId, cancellationToken);
        }
        catch (DiscordApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }

        if (channel.GuildId != guildId)
        {
            return null;
        }

        var botUserId = await BotUserIdAsync(cancellationToken);
        return await GuildAsync(guildId, botUserId, cancellationToken) is { } guild
            ? ChannelPermissionCalculator.Compute(guildId, guild.OwnerId, guild.Roles, userId, roleIds, (channel.PermissionOverwrites ?? []).Select(ToOverwrite))
            : null;
    }

    /// <summary>The bot's user id never changes while the token is the same, so it is asked once per process.</summary>
    private async Task<ulong> BotUserIdAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _botUserId);
        if (known != 0)
        {
            return known;
        }

        return await _botUserReads.ReadAsync(true, async () =>
        {
            var me = await discord.GetCurrentUserAsync(CancellationToken.None);
            Volatile.Write(ref _botUserId, me.Id);
            return me.Id;
        }, cancellationToken);
    }

    /// <summary>The channel as Discord has it now: overlapping checks of one channel share the call.</summary>
    private Task<ChannelPayload> ReadChannelAsync(ulong channelId, CancellationToken cancellationToken) =>
        _channelReads.ReadAsync(channelId, () => discord.GetChannelAsync(channelId, CancellationToken.None), cancellationToken);

    /// <returns>Null when the bot is not a member of the guild (Discord answered 403 or 404).</returns>
    private async Task<BotGuild?> GuildAsync(ulong guildId, ulong botUserId, CancellationToken cancellationToken)
    {
        if (_guilds.TryGet(guildId) is { } cached)
        {
            return cached;
        }

        return await _guildReads.ReadAsync(guildId, () => LoadGuildAsync(guildId, botUserId), cancellationToken);
    }

    private async Task<BotGuild?> LoadGuildAsync(ulong guildId, ulong botUserId)
    {
        try
        {
            var guild = await discord.GetGuildAsync(guildId, CancellationToken.None);
            var member = await discord.GetGuildMemberAsync(guildId, botUserId, CancellationToken.None);
            var fresh = new BotGuild(
                guild.OwnerId,
                [.. (guild.Roles ?? []).Select(role => new GuildRole(role.Id, PermissionBitfield.Parse(role.Permissions)))],
                [.. member.Roles ?? []]);
            _guilds.Add(guildId, fresh);
            return fresh;
        }
        catch (DiscordApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private static PermissionOverwrite ToOverwrite(PermissionOverwritePayload overwrite) => new(
        overwrite.Id,
        (OverwriteTarget)overwrite.Type,
        PermissionBitfield.Parse(overwrite.Allow),
        PermissionBitfield.Parse(overwrite.Deny));
}
