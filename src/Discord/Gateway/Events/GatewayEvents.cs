using System.Diagnostics.CodeAnalysis;

namespace Serverless.Discord.Gateway.Events;

/// <summary>One member's voice state as Discord reports it; a null <see cref="ChannelId"/> means not in voice.</summary>
/// <param name="UserId">The member.</param>
/// <param name="ChannelId">The voice channel, or null when the member is in none.</param>
/// <param name="SessionId">The member's voice session id, or null when Discord sent none (or an empty one).</param>
/// <param name="IsBot">From <c>member.user.bot</c>; null when the payload did not say.</param>
public readonly record struct VoiceMemberState(ulong UserId, ulong? ChannelId, string? SessionId, bool? IsBot);

/// <summary><c>READY</c>: the shard's session started; carries the bot's own user id.</summary>
/// <param name="ShardId">The shard that became ready.</param>
/// <param name="BotUserId">The bot's user id (<c>user.id</c>).</param>
/// <param name="SessionId">The gateway session id, or null when Discord sent none.</param>
public sealed record GatewayReady(int ShardId, ulong BotUserId, string? SessionId);

/// <summary><c>GUILD_CREATE</c> of an available guild, with the voice states the companion tracks.</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="VoiceStates">Every member in voice; the bot flag comes from the member list sent alongside when a state carries none.</param>
public sealed record GatewayGuildCreate(ulong GuildId, IReadOnlyList<VoiceMemberState> VoiceStates);

/// <summary><c>GUILD_DELETE</c>: the bot left or was removed (<paramref name="Unavailable"/> false), or an outage (true).</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="Unavailable">True for an outage, after which a <c>GUILD_CREATE</c> follows.</param>
public sealed record GatewayGuildDelete(ulong GuildId, bool Unavailable);

/// <summary><c>VOICE_STATE_UPDATE</c> in a guild.</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="State">The member's new voice state.</param>
public sealed record GatewayVoiceStateUpdate(ulong GuildId, VoiceMemberState State);

/// <summary><c>VOICE_SERVER_UPDATE</c>: where the guild's voice connection goes; a null endpoint means the server went away.</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="Token">The voice token (a secret: never log it), or null.</param>
/// <param name="Endpoint">The voice server, or null while Discord allocates a new one.</param>
public sealed record GatewayVoiceServerUpdate(ulong GuildId, string? Token, string? Endpoint)
{
    /// <summary>Keeps the voice token out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"GatewayVoiceServerUpdate {{ GuildId = {GuildId}, Endpoint = {Endpoint} }}";
}

/// <summary>
/// Handles one typed gateway event. Several handlers may take the same event; they run one after another, in
/// registration order, on the shard's read loop, which reads nothing else meanwhile: keep them quick.
/// </summary>
/// <typeparam name="TEvent">The event: <see cref="GatewayReady"/>, <see cref="GatewayGuildCreate"/>, <see cref="GatewayGuildDelete"/>, <see cref="GatewayVoiceStateUpdate"/> or <see cref="GatewayVoiceServerUpdate"/>.</typeparam>
public interface IGatewayEventHandler<in TEvent>
    where TEvent : notnull
{
    /// <summary>Handles <paramref name="gatewayEvent"/>; an exception is logged by the dispatcher and the other handlers still run.</summary>
    Task HandleAsync(TEvent gatewayEvent, CancellationToken cancellationToken);
}

/// <summary>
/// One DI registration per (event, handler class) that resolves the handler's single instance, so one class can take
/// several event types and a second registration of the same pair is recognised and skipped.
/// </summary>
internal sealed class GatewayEventHandlerForwarder<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(THandler handler) : IGatewayEventHandler<TEvent>
    where TEvent : notnull
    where THandler : class, IGatewayEventHandler<TEvent>
{
    public Task HandleAsync(TEvent gatewayEvent, CancellationToken cancellationToken) => handler.HandleAsync(gatewayEvent, cancellationToken);

    /// <summary>The handler's name for logs, rather than this wrapper's.</summary>
    public override string ToString() => typeof(THandler).Name;
}
