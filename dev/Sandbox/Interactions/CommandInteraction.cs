using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Interactions;

/// <summary>A slash command invocation for <see cref="InteractionSender.SendCommandAsync"/>. Unset fields take the sandbox's defaults.</summary>
public sealed class CommandInteraction
{
    /// <summary>The command's name, without the slash.</summary>
    public required string Name { get; init; }

    /// <summary>Options as the user filled them in; use <see cref="CommandOption.SubCommand"/> for subcommands.</summary>
    public IList<CommandOption> Options { get; } = new List<CommandOption>();

    /// <summary>The guild it is used in; null sends it as in a DM with the bot (<c>user</c> instead of <c>member</c>).</summary>
    public ulong? GuildId { get; init; } = SandboxDefaults.GuildId;

    public ulong ChannelId { get; init; } = SandboxDefaults.ChannelId;

    public ulong UserId { get; init; } = SandboxDefaults.UserId;

    public string Username { get; init; } = SandboxDefaults.Username;

    /// <summary>The member's permission bitfield as a string, like Discord sends it.</summary>
    public string MemberPermissions { get; init; } = SandboxDefaults.MemberPermissions;

    /// <summary>The app's permissions in the channel (<c>app_permissions</c>).</summary>
    public string AppPermissions { get; init; } = SandboxDefaults.MemberPermissions;

    public string Locale { get; init; } = SandboxDefaults.Locale;

    /// <summary>The command id; null uses the id of a registered command with this name, or a made-up one.</summary>
    public ulong? CommandId { get; init; }
}
