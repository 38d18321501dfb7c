using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.State;

/// <summary>
/// Who can act in the sandbox: each user's name and the permission bitfield interactions carry for them. Seeded with
/// the default user, a moderator, a newcomer and the bot. Not thread-safe: <see cref="SandboxState"/> locks around it.
/// </summary>
internal sealed class MemberDirectory
{
    private readonly Dictionary<ulong, SandboxMember> _members = [];

    public MemberDirectory(ulong botUserId)
    {
        Set(new SandboxMember(SandboxDefaults.UserId, SandboxDefaults.Username, SandboxDefaults.EveryonePermissions, IsBot: false));
        Set(new SandboxMember(SandboxDefaults.ModeratorUserId, SandboxDefaults.ModeratorUsername, SandboxDefaults.ModeratorPermissions, IsBot: false));
        Set(new SandboxMember(SandboxDefaults.NewcomerUserId, SandboxDefaults.NewcomerUsername, SandboxDefaults.EveryonePermissions, IsBot: false));
        Set(new SandboxMember(botUserId, SandboxDefaults.BotUsername, SandboxDefaults.EveryonePermissions, IsBot: true));
    }

    /// <summary>In the order they were added.</summary>
    public IReadOnlyList<SandboxMember> All => [.. _members.Values];

    public SandboxMember? Find(ulong userId) => _members.GetValueOrDefault(userId);

    /// <summary>A user by username, case-insensitively, as the CLI's <c>--as</c> names them.</summary>
    public SandboxMember? FindByName(string username) =>
        _members.Values.FirstOrDefault(member => string.Equals(member.Username, username, StringComparison.OrdinalIgnoreCase));

    public void Set(SandboxMember member) => _members[member.Id] = member;
}

/// <param name="Permissions">What interactions carry in <c>member.permissions</c> for this user.</param>
internal sealed record SandboxMember(ulong Id, string Username, ulong Permissions, bool IsBot);
