namespace Serverless.Sandbox.Hosting;

/// <summary>
/// Fixed, made-up identities of the sandbox's "Discord", so tests can assert on them. None of these
/// exist on Discord; the ids are well-formed snowflakes that merely look plausible.
/// </summary>
public static class SandboxDefaults
{
    public const ulong ApplicationId = 100000000000000001;

    /// <summary>
    /// Fake bot token. Deliberately not shaped like a real token (three base64 parts joined by dots),
    /// so secret scanners never flag it and nobody mistakes it for one.
    /// </summary>
    public const string BotToken = "sandbox-bot-token-not-a-secret";

    public const ulong GuildId = 100000000000000010;

    public const ulong ChannelId = 100000000000000020;

    public const string ChannelName = "general";

    /// <summary>A voice channel (type 2) of the default guild where the bot may Connect and Speak (through @everyone).</summary>
    public const ulong VoiceChannelId = 100000000000000040;

    public const string VoiceChannelName = "General Voice";

    public const ulong UserId = 100000000000000030;

    public const string Username = "sandbox-user";

    public const string BotUsername = "sandbox-bot";

    /// <summary>A member with Manage Messages and Manage Guild besides the typical bits: the console's "moderator".</summary>
    public const ulong ModeratorUserId = 100000000000000032;

    public const string ModeratorUsername = "sandbox-moderator";

    /// <summary>The typical bits plus MANAGE_MESSAGES (1 &lt;&lt; 13) and MANAGE_GUILD (1 &lt;&lt; 5).</summary>
    public const ulong ModeratorPermissions = EveryonePermissions | (1UL << 13) | (1UL << 5);

    /// <summary>
    /// The moderator's role in the default guild, granting <see cref="ModeratorPermissions"/>: bots decide from roles,
    /// not from an interaction's <c>member.permissions</c>, so a member's permissions live in a role.
    /// </summary>
    public const ulong ModeratorRoleId = 100000000000000060;

    /// <summary>Bits 0 to <see cref="HighestPermissionBit"/> each have a role that grants only that bit; see <see cref="PermissionRoleId"/>.</summary>
    public const int HighestPermissionBit = 52;

    private const ulong PermissionRoleIdBase = 100000000000000100;

    /// <summary>
    /// The default guild's role that grants exactly permission bit <paramref name="bit"/>. They exist from the start, so
    /// a member given a permission gains a role the bot already knows: bots cache a guild's role definitions (ours for
    /// a minute), while the roles a member has arrive fresh with every interaction.
    /// </summary>
    public static ulong PermissionRoleId(int bit) => PermissionRoleIdBase + (ulong)bit;

    /// <summary>A second member with only the typical bits.</summary>
    public const ulong NewcomerUserId = 100000000000000033;

    public const string NewcomerUsername = "sandbox-newcomer";

    /// <summary>A typical member's permission bitfield (view, send, read history, use commands…), as Discord sends it: a string.</summary>
    public const string MemberPermissions = "2248473465835073";

    /// <summary>The @everyone role's permissions in every sandbox guild: the same typical bits, View Channel and Send Messages among them.</summary>
    public const ulong EveryonePermissions = 2248473465835073;

    public const string Locale = "en-US";

    public const string GuildName = "Sandbox Guild";

    public const int CliPort = 7072;

    public static readonly Uri BotInteractionsUrl = new("http://127.0.0.1:7071/api/interactions");
}
