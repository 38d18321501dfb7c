namespace Serverless.Domain.Permissions;

/// <summary>A guild role's guild-wide permissions. The @everyone role has the guild's id.</summary>
public sealed record GuildRole(ulong Id, DiscordPermissions Permissions);
