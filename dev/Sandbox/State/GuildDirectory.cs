using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.State;

/// <summary>
/// The sandbox's guilds, roles, members, channel settings and voice states. Open by default so flows that never
/// seed it keep working: an unseeded channel id is a text channel of the default guild with no overwrites, and every
/// guild the tests mention exists with the bot in it. Not thread-safe: <see cref="SandboxState"/> locks around it.
/// </summary>
internal sealed class GuildDirectory
{
    private readonly ulong _botUserId;
    private readonly Dictionary<ulong, SandboxChannel> _channels = [];
    private readonly Dictionary<ulong, GuildEntry> _guilds = [];

    public GuildDirectory(ulong botUserId)
    {
        _botUserId = botUserId;
        Ensure(SandboxDefaults.GuildId);

        // Seeded explicitly so GUILD_CREATE lists them; the text channel reads as it did unseeded, but named.
        SetChannel(new SandboxChannel(SandboxDefaults.ChannelId, 0, SandboxDefaults.GuildId, null, [], SandboxDefaults.ChannelName));
        SetChannel(new SandboxChannel(SandboxDefaults.VoiceChannelId, 2, SandboxDefaults.GuildId, null, [], SandboxDefaults.VoiceChannelName));
    }

    /// <summary>Every guild, in the order they were first mentioned.</summary>
    public IReadOnlyList<ulong> GuildIds => [.. _guilds.Keys];

    public SandboxChannel Channel(ulong channelId) =>
        _channels.GetValueOrDefault(channelId) ?? new SandboxChannel(channelId, 0, SandboxDefaults.GuildId, null, []);

    /// <summary>The guild's seeded channels, in the order they were first seeded.</summary>
    public IReadOnlyList<SandboxChannel> ChannelsOf(ulong guildId) => [.. _channels.Values.Where(channel => channel.GuildId == guildId)];

    public SandboxGuild? Guild(ulong guildId) =>
        _guilds.TryGetValue(guildId, out var guild)
            ? new SandboxGuild(guildId, guild.OwnerId, [.. guild.Roles.Select(role => new SandboxRole(role.Key, role.Value))])
            : null;

    /// <returns>The member's role ids; null when the guild or the member is unknown.</returns>
    public IReadOnlyList<ulong>? MemberRoles(ulong guildId, ulong userId) =>
        _guilds.TryGetValue(guildId, out var guild) && guild.Members.TryGetValue(userId, out var roles) ? roles : null;

    public void SetChannel(SandboxChannel channel)
    {
        if (channel.GuildId is { } guildId)
        {
            Ensure(guildId);
        }

        _channels[channel.Id] = channel;
    }

    public void SetOwner(ulong guildId, ulong ownerId) => Ensure(guildId).OwnerId = ownerId;

    public void SetRole(ulong guildId, ulong roleId, ulong permissions) => Ensure(guildId).Roles[roleId] = permissions;

    public void SetMemberRoles(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds) => Ensure(guildId).Members[userId] = roleIds;

    public SandboxVoiceState? VoiceState(ulong guildId, ulong userId) =>
        _guilds.TryGetValue(guildId, out var guild) ? guild.VoiceStates.GetValueOrDefault(userId) : null;

    public IReadOnlyList<SandboxVoiceState> VoiceStates(ulong guildId) =>
        _guilds.TryGetValue(guildId, out var guild) ? [.. guild.VoiceStates.Values] : [];

    /// <summary>Puts the user in a voice channel; a user who was not a member joins the guild first, as only members can.</summary>
    public void SetVoiceState(SandboxVoiceState state)
    {
        var guild = Ensure(state.GuildId);
        guild.Members.TryAdd(state.UserId, []);
        guild.VoiceStates[state.UserId] = state;
    }

    public SandboxVoiceState? RemoveVoiceState(ulong guildId, ulong userId) =>
        _guilds.TryGetValue(guildId, out var guild) && guild.VoiceStates.Remove(userId, out var state) ? state : null;

    private GuildEntry Ensure(ulong guildId)
    {
        if (!_guilds.TryGetValue(guildId, out var guild))
        {
            guild = new GuildEntry { OwnerId = SandboxDefaults.UserId };
            guild.Roles.Add(guildId, SandboxDefaults.EveryonePermissions);
            guild.Members.Add(_botUserId, []);
            guild.Members.Add(SandboxDefaults.UserId, []);
            _guilds.Add(guildId, guild);
        }

        return guild;
    }

    private sealed class GuildEntry
    {
        public ulong OwnerId { get; set; }

        /// <summary>Role id → permission bits, @everyone first; insertion order is the roles' position.</summary>
        public Dictionary<ulong, ulong> Roles { get; } = [];

        public Dictionary<ulong, IReadOnlyList<ulong>> Members { get; } = [];

        /// <summary>User id → where that user is connected; absent means not in voice.</summary>
        public Dictionary<ulong, SandboxVoiceState> VoiceStates { get; } = [];
    }
}

/// <param name="GuildId">Null for a DM.</param>
/// <param name="Name">Null for an unnamed channel, which reads as <c>channel-{id}</c>.</param>
internal sealed record SandboxChannel(ulong Id, int Type, ulong? GuildId, ulong? ParentId, IReadOnlyList<SandboxOverwrite> Overwrites, string? Name = null)
{
    /// <summary>Voice (2) and stage (13) channels are the ones a user or the bot can connect to.</summary>
    public bool IsVoice => Type is 2 or 13;
}

internal sealed record SandboxGuild(ulong Id, ulong OwnerId, IReadOnlyList<SandboxRole> Roles);

internal sealed record SandboxRole(ulong Id, ulong Permissions);
