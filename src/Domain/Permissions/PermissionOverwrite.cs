namespace Serverless.Domain.Permissions;

/// <summary>A channel's explicit allow and deny for one role (the @everyone role's id is the guild's) or one member.</summary>
public sealed record PermissionOverwrite(ulong Id, OverwriteTarget Target, DiscordPermissions Allow, DiscordPermissions Deny);

/// <summary>Whom an overwrite is for; the numbers are Discord's overwrite <c>type</c>.</summary>
public enum OverwriteTarget
{
    Role = 0,
    Member = 1,
}
