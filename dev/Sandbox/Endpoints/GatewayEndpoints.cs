using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.State;
using static Serverless.Sandbox.Endpoints.ControlEndpoints;

namespace Serverless.Sandbox.Endpoints;

/// <summary>
/// The gateway WebSocket on <c>/gateway</c>, and its control routes under <c>/_sandbox/gateway</c> and
/// <c>/_sandbox/voice-states</c> (camelCase, unrecorded, like the rest of the control API).
/// </summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        app.Map(GatewayDouble.Path, AcceptAsync);
        return app;
    }

    public static IEndpointRouteBuilder MapGatewayControl(this IEndpointRouteBuilder app)
    {
        var gateway = app.MapGroup(SandboxServer.ControlPrefix + "/gateway");
        gateway.MapGet("", Status);
        gateway.MapGet("/received", (long? since, [FromServices] SandboxContext sandbox) =>
        {
            var received = sandbox.Gateway.Received;
            var wire = new GatewayReceivedWire
            {
                NextIndex = received.Count == 0 ? since ?? 0 : received[^1].Index + 1,
                Payloads = [.. received.Where(p => p.Index >= (since ?? 0)).Select(p => new GatewayReceivedPayloadWire
                {
                    Index = p.Index,
                    ConnectionId = p.ConnectionId,
                    Op = p.Op,
                    D = p.Data,
                    At = p.At,
                })],
            };
            return Results.Json(wire, ControlJsonContext.Control.GatewayReceivedWire);
        });
        gateway.MapDelete("/received", ([FromServices] SandboxContext sandbox) =>
        {
            sandbox.Gateway.ClearRecords();
            return Results.NoContent();
        });
        gateway.MapPost("/zombie", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, request => sandbox.Gateway.StopAcknowledgingHeartbeats(request.IncludingNewConnections)));
        gateway.MapDelete("/zombie", ([FromServices] SandboxContext sandbox) =>
        {
            sandbox.Gateway.ResumeAcknowledgingHeartbeats();
            return Results.NoContent();
        });
        gateway.MapPost("/drop", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, _ => sandbox.Gateway.DropConnections()));
        gateway.MapPost("/reconnect", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, _ => sandbox.Gateway.SendReconnect()));
        gateway.MapPost("/heartbeat-request", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, _ => sandbox.Gateway.RequestHeartbeat()));
        gateway.MapPost("/invalid-session", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, request => sandbox.Gateway.SendInvalidSession(request.Resumable)));
        gateway.MapPost("/close", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, request => sandbox.Gateway.CloseConnections(request.Code ?? 4000, request.Reason)));
        gateway.MapPost("/fail-identifies", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, request => sandbox.Gateway.FailNextIdentifies(request.Count ?? 1)));
        gateway.MapPost("/ignore-voice", (HttpContext context, [FromServices] SandboxContext sandbox) =>
            FaultAsync(context, request => sandbox.Gateway.IgnoreNextVoiceRequests(request.Count ?? 1)));
        gateway.MapPut("/voice", SetVoiceSettingsAsync);
        gateway.MapPost("/voice-server", SendVoiceServerAsync);

        var voiceStates = app.MapGroup(SandboxServer.ControlPrefix + "/voice-states");
        voiceStates.MapGet("", (string? guildId, [FromServices] SandboxContext sandbox) =>
        {
            var guild = SandboxDefaults.GuildId;
            if (guildId is not null && !EndpointHelpers.TryParseSnowflake(guildId, out guild))
            {
                return BadRequest("guildId must be a snowflake.");
            }

            return Results.Json(sandbox.State.VoiceStates(guild).Select(VoiceStateWire).ToList(), ControlJsonContext.Control.ListVoiceStateControlWire);
        });
        voiceStates.MapPost("", SetVoiceStateAsync);
        return app;
    }

    private static async Task AcceptAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The Discord gateway is a WebSocket: connect to ws://…/gateway?v=10&encoding=json.\n", context.RequestAborted);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await sandbox.Gateway.RunConnectionAsync(context, socket);
    }

    private static IResult Status([FromServices] SandboxContext sandbox)
    {
        var gateway = sandbox.Gateway;
        return Results.Json(
            new GatewayStatusWire
            {
                Url = gateway.Url,
                ShardCount = gateway.Options.ShardCount,
                HeartbeatIntervalMilliseconds = (int)gateway.Options.HeartbeatInterval.TotalMilliseconds,
                Identifies = gateway.IdentifyCount,
                Resumes = gateway.ResumeCount,
                HeartbeatsReceived = gateway.HeartbeatsReceived.Count,
                VoiceEventOrder = gateway.VoiceEventOrder == VoiceEventOrder.StateFirst ? "stateFirst" : "serverFirst",
                NullVoiceEndpointForMilliseconds = gateway.NullVoiceEndpointFor?.TotalMilliseconds,
                VoiceEndpoint = gateway.VoiceEndpoint,
                Connections = [.. gateway.Connections.Select(c => new GatewayConnectionWire
                {
                    Id = c.Id,
                    OpenedAt = c.OpenedAt,
                    SessionId = c.SessionId,
                    ShardId = c.ShardId,
                    IsOpen = c.IsOpen,
                    EndedBy = c.Ended?.InitiatedBy.ToString(),
                    CloseCode = c.Ended?.CloseCode,
                    CloseReason = c.Ended?.Reason,
                    EndedAt = c.Ended?.At,
                })],
                SessionStarts = [.. gateway.SessionStarts.Select(s => new GatewaySessionStartWire
                {
                    ConnectionId = s.ConnectionId,
                    SessionId = s.SessionId,
                    ShardId = s.ShardId,
                    ShardCount = s.ShardCount,
                    Intents = s.Intents,
                    Resumed = s.Resumed,
                    At = s.At,
                })],
                VoiceRequests = [.. gateway.VoiceRequests.Select(v => new GatewayVoiceRequestWire
                {
                    ConnectionId = v.ConnectionId,
                    GuildId = Snowflake(v.GuildId),
                    ChannelId = v.ChannelId is { } channel ? Snowflake(channel) : null,
                    SelfMute = v.SelfMute,
                    SelfDeaf = v.SelfDeaf,
                    At = v.At,
                    IgnoredBecause = v.IgnoredBecause,
                })],
            },
            ControlJsonContext.Control.GatewayStatusWire);
    }

    /// <summary>Runs a scripted fault; the body is optional (an empty one means the defaults).</summary>
    private static async Task<IResult> FaultAsync(HttpContext context, Action<GatewayFaultRequestWire> apply)
    {
        var request = await ReadOptionalAsync(context, ControlJsonContext.Control.GatewayFaultRequestWire);
        if (request is null)
        {
            return BadRequest("The body must be empty or a JSON object, e.g. {\"code\":4000}, {\"resumable\":true}, {\"count\":2}.");
        }

        try
        {
            apply(request);
        }
        catch (ArgumentException exception)
        {
            return BadRequest(exception.Message);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> SetVoiceSettingsAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadOptionalAsync(context, ControlJsonContext.Control.GatewayVoiceSettingsWire);
        if (request is null)
        {
            return BadRequest("The body must be JSON: {\"order\":\"serverFirst\",\"nullEndpointForMilliseconds\":200,\"endpoint\":\"host:443\"}.");
        }

        VoiceEventOrder? order = request.Order switch
        {
            null => null,
            "stateFirst" => VoiceEventOrder.StateFirst,
            "serverFirst" => VoiceEventOrder.ServerFirst,
            _ => (VoiceEventOrder)(-1),
        };
        if (order is (VoiceEventOrder)(-1))
        {
            return BadRequest("order must be \"stateFirst\" or \"serverFirst\".");
        }

        if (request.Endpoint is { } endpoint && string.IsNullOrWhiteSpace(endpoint))
        {
            return BadRequest("endpoint must not be blank.");
        }

        var gateway = sandbox.Gateway;
        gateway.VoiceEventOrder = order ?? gateway.VoiceEventOrder;
        gateway.VoiceEndpoint = request.Endpoint ?? gateway.VoiceEndpoint;
        if (request.NullEndpointForMilliseconds is { } milliseconds)
        {
            gateway.NullVoiceEndpointFor = milliseconds > 0 ? TimeSpan.FromMilliseconds(milliseconds) : null;
        }

        return Status(sandbox);
    }

    private static async Task<IResult> SendVoiceServerAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadOptionalAsync(context, ControlJsonContext.Control.GatewayVoiceServerRequestWire);
        var guild = SandboxDefaults.GuildId;
        if (request is null || (request.GuildId is { } guildId && !EndpointHelpers.TryParseSnowflake(guildId, out guild)))
        {
            return BadRequest("The body must be JSON: {\"guildId\":\"…\",\"endpoint\":null} (null: the voice server went away).");
        }

        sandbox.Gateway.SendVoiceServerUpdate(guild, request.Endpoint);
        return Results.NoContent();
    }

    private static async Task<IResult> SetVoiceStateAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadAsync(context, ControlJsonContext.Control.VoiceStateRequestWire);
        ulong guild = SandboxDefaults.GuildId, user = SandboxDefaults.UserId, channel = 0;
        if (request is null
            || (request.GuildId is { } guildId && !EndpointHelpers.TryParseSnowflake(guildId, out guild))
            || (request.UserId is { } userId && !EndpointHelpers.TryParseSnowflake(userId, out user))
            || (request.ChannelId is { } channelId && !EndpointHelpers.TryParseSnowflake(channelId, out channel)))
        {
            return BadRequest("The body must be JSON: {\"guildId\":\"…\",\"userId\":\"…\",\"channelId\":\"…\"} (channelId null: leave voice; ids default to the sandbox's).");
        }

        try
        {
            sandbox.Gateway.SetUserVoiceChannel(guild, user, request.ChannelId is null ? null : channel, request.SelfMute, request.SelfDeaf);
        }
        catch (ArgumentException exception)
        {
            return BadRequest(exception.Message);
        }

        var state = sandbox.State.GetVoiceState(guild, user);
        return Results.Json(
            state is null ? new VoiceStateControlWire { GuildId = Snowflake(guild), UserId = Snowflake(user) } : VoiceStateWire(state),
            ControlJsonContext.Control.VoiceStateControlWire);
    }

    private static VoiceStateControlWire VoiceStateWire(SandboxVoiceState state) => new()
    {
        GuildId = Snowflake(state.GuildId),
        UserId = Snowflake(state.UserId),
        ChannelId = Snowflake(state.ChannelId),
        SessionId = state.SessionId,
        SelfMute = state.SelfMute,
        SelfDeaf = state.SelfDeaf,
    };

    private static async Task<T?> ReadOptionalAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class, new()
    {
        if (context.Request.ContentLength is 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return new T();
        }

        return await ReadAsync(context, typeInfo);
    }

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
