using Microsoft.Extensions.Logging;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Gateway.Events;

/// <summary>
/// The shards' one <see cref="IGatewayDispatchHandler"/>: reads each dispatch the bot uses into its typed event once,
/// and hands it to every <see cref="IGatewayEventHandler{TEvent}"/> of that type, one after another. Dispatch types
/// nobody reads are skipped unparsed; an unreadable payload is logged and skipped; a failing handler is logged and the
/// others still run. Nothing but a shutdown's cancellation leaves here, so the shard's read loop is never disturbed.
/// </summary>
public sealed partial class GatewayEventDispatcher(
    IEnumerable<IGatewayEventHandler<GatewayReady>> readyHandlers,
    IEnumerable<IGatewayEventHandler<GatewayGuildCreate>> guildCreateHandlers,
    IEnumerable<IGatewayEventHandler<GatewayGuildDelete>> guildDeleteHandlers,
    IEnumerable<IGatewayEventHandler<GatewayVoiceStateUpdate>> voiceStateHandlers,
    IEnumerable<IGatewayEventHandler<GatewayVoiceServerUpdate>> voiceServerHandlers,
    ILogger<GatewayEventDispatcher> logger) : IGatewayDispatchHandler
{
    private readonly IGatewayEventHandler<GatewayReady>[] _readyHandlers = [.. readyHandlers];
    private readonly IGatewayEventHandler<GatewayGuildCreate>[] _guildCreateHandlers = [.. guildCreateHandlers];
    private readonly IGatewayEventHandler<GatewayGuildDelete>[] _guildDeleteHandlers = [.. guildDeleteHandlers];
    private readonly IGatewayEventHandler<GatewayVoiceStateUpdate>[] _voiceStateHandlers = [.. voiceStateHandlers];
    private readonly IGatewayEventHandler<GatewayVoiceServerUpdate>[] _voiceServerHandlers = [.. voiceServerHandlers];

    public Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var data = dispatch.Data;
        switch (dispatch.Type)
        {
            case "READY" when _readyHandlers.Length > 0:
                return GatewayEventReader.TryReadReady(dispatch.ShardId, data, out var ready)
                    ? RunAsync(_readyHandlers, ready!, dispatch, cancellationToken)
                    : Unreadable(dispatch);
            case "GUILD_CREATE" when _guildCreateHandlers.Length > 0:
                if (!GatewayEventReader.TryReadGuildCreate(data, out var guild))
                {
                    return Unreadable(dispatch);
                }

                // Null: an unavailable guild, which has nothing to hand on.
                return guild is null ? Task.CompletedTask : RunAsync(_guildCreateHandlers, guild, dispatch, cancellationToken);
            case "GUILD_DELETE" when _guildDeleteHandlers.Length > 0:
                return GatewayEventReader.TryReadGuildDelete(data, out var removal)
                    ? RunAsync(_guildDeleteHandlers, removal!, dispatch, cancellationToken)
                    : Unreadable(dispatch);
            case "VOICE_STATE_UPDATE" when _voiceStateHandlers.Length > 0:
                return GatewayEventReader.TryReadVoiceStateUpdate(data, out var voiceState)
                    ? RunAsync(_voiceStateHandlers, voiceState!, dispatch, cancellationToken)
                    : Unreadable(dispatch);
            case "VOICE_SERVER_UPDATE" when _voiceServerHandlers.Length > 0:
                return GatewayEventReader.TryReadVoiceServerUpdate(data, out var voiceServer)
                    ? RunAsync(_voiceServerHandlers, voiceServer!, dispatch, cancellationToken)
                    : Unreadable(dispatch);
            default:
                return Task.CompletedTask;
        }
    }

    private Task Unreadable(GatewayDispatch dispatch)
    {
        Log.UnreadableDispatch(logger, dispatch.Type, dispatch.ShardId, dispatch.Sequence);
        return Task.CompletedTask;
    }

    private async Task RunAsync<TEvent>(IGatewayEventHandler<TEvent>[] handlers, TEvent gatewayEvent, GatewayDispatch dispatch, CancellationToken cancellationToken)
        where TEvent : notnull
    {
        // Every line the handlers log names the guild, as the interaction's lines do (one KQL filter finds both).
        using var scope = GuildIdOf(gatewayEvent) is { } guildId
            ? logger.BeginScope(new Dictionary<string, object?> { [TelemetryDimensions.GuildId] = guildId })
            : null;
        foreach (var handler in handlers)
        {
            try
            {
                await handler.HandleAsync(gatewayEvent, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One handler's bug must not cost the others their event, nor the shard its connection.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(logger, exception, HandlerName(handler), dispatch.Type, dispatch.ShardId);
            }
        }
    }

    private static ulong? GuildIdOf(object gatewayEvent) => gatewayEvent switch
    {
        GatewayGuildCreate guild => guild.GuildId,
        GatewayGuildDelete removal => removal.GuildId,
        GatewayVoiceStateUpdate voiceState => voiceState.GuildId,
        GatewayVoiceServerUpdate voiceServer => voiceServer.GuildId,
        _ => null,
    };

    private static string HandlerName(object handler) =>
        handler.GetType().IsGenericType && handler.GetType().GetGenericTypeDefinition() == typeof(GatewayEventHandlerForwarder<,>)
            ? handler.ToString()!
            : handler.GetType().Name;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7140, Level = LogLevel.Warning, Message = "Ignored an unreadable {DispatchType} dispatch (shard {ShardId}, sequence {Sequence})")]
        public static partial void UnreadableDispatch(ILogger logger, string dispatchType, int shardId, long sequence);

        [LoggerMessage(EventId = 7141, Level = LogLevel.Error, Message = "Gateway event handler {Handler} failed on {DispatchType} (shard {ShardId})")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, string dispatchType, int shardId);
    }
}
