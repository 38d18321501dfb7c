using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Discord.Gateway;

namespace Serverless.Companion.Hosting;

/// <summary>
/// Where the gateway's dispatches go: voice events to the voice coordinator, and the bot's own id from READY to
/// Lavalink, whose handshake needs it. The gateway reads nothing while this runs, so it only hands events on.
/// </summary>
public sealed class GatewayDispatchRouter(
    VoiceConnectionCoordinator voice,
    LavalinkConnectionInputs lavalink) : IGatewayDispatchHandler
{
    public async Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (dispatch.Type == "READY"
            && dispatch.Data.TryGetProperty("user", out var user)
            && user.TryGetProperty("id", out var id)
            && ulong.TryParse(id.GetString(), out var botUserId))
        {
            lavalink.SetBotUserId(botUserId);
        }

        await voice.OnDispatchAsync(dispatch.Type, dispatch.Data, cancellationToken);
    }
}

/// <summary>
/// Voice's one gateway call, op 4, sent on the shard that owns the guild. The manager is looked up at the first call:
/// it takes the dispatch router, which takes voice, which takes this.
/// </summary>
public sealed class GatewayVoiceSender(Func<GatewayShardManager> gateway) : IVoiceGatewaySender
{
    public Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken) =>
        gateway().SendVoiceStateUpdateAsync(guildId, channelId, selfMute, selfDeaf, cancellationToken);
}
