using Serverless.Domain.Permissions;

namespace Serverless.Discord.Permissions;

/// <summary>What a guild contributes to the bot's permissions in any of its channels: its owner, its roles, the bot's roles.</summary>
internal sealed record BotGuild(ulong OwnerId, IReadOnlyList<GuildRole> Roles, IReadOnlyList<ulong> BotRoleIds);
