namespace Serverless.Domain.Permissions;

/// <summary>
/// Discord's permission bits (Discord's "Bitwise Permission Flags"); on the wire they travel as decimal strings,
/// read with <see cref="PermissionBitfield.Parse"/>. Only the bits the bot reasons about are named.
/// </summary>
[Flags]
public enum DiscordPermissions : ulong
{
    None = 0,
    Administrator = 1UL << 3,
    ManageChannels = 1UL << 4,
    ManageGuild = 1UL << 5,
    ViewChannel = 1UL << 10,
    SendMessages = 1UL << 11,
    ManageMessages = 1UL << 13,
    EmbedLinks = 1UL << 14,
    AttachFiles = 1UL << 15,
    ReadMessageHistory = 1UL << 16,
    MentionEveryone = 1UL << 17,
    Connect = 1UL << 20,
    Speak = 1UL << 21,
    SendMessagesInThreads = 1UL << 38,

    /// <summary>What the guild owner and administrators get: every bit, including ones Discord adds later.</summary>
    All = ulong.MaxValue,
}
