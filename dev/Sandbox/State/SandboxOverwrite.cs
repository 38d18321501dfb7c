namespace Serverless.Sandbox.State;

/// <summary>A channel permission overwrite to seed the sandbox with. Permission bits are Discord's (e.g. <c>1UL &lt;&lt; 11</c> Send Messages).</summary>
/// <param name="Id">A role id (the guild's id for @everyone) or a user id.</param>
/// <param name="Type">Discord's overwrite type: 0 role, 1 member.</param>
public sealed record SandboxOverwrite(ulong Id, int Type, ulong Allow, ulong Deny)
{
    public const int RoleType = 0;
    public const int MemberType = 1;

    /// <summary>An overwrite for a role; pass the guild's id for @everyone.</summary>
    public static SandboxOverwrite ForRole(ulong roleId, ulong allow = 0, ulong deny = 0) => new(roleId, RoleType, allow, deny);

    public static SandboxOverwrite ForMember(ulong userId, ulong allow = 0, ulong deny = 0) => new(userId, MemberType, allow, deny);
}
