using System.Net.WebSockets;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Gateway;

/// <summary>One connection's life: Hello, the receive loop, what each op a client sends leads to, and how it ended.</summary>
public sealed partial class GatewayDouble
{
    internal async Task RunConnectionAsync(HttpContext http, WebSocket socket)
    {
        using var receiveStop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, http.RequestAborted);
        GatewayConnection connection;
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            connection = new GatewayConnection(_nextConnectionId++, socket, http, _time.GetUtcNow(), receiveStop) { Zombie = !_acknowledgeNewConnections };
            _connections.Add(connection.Id, connection);
            TrimConnectionsLocked();
        }

        Log.Connected(_logger, connection.Id, http.Request.QueryString.Value ?? "");
        var writer = connection.RunWriterAsync();
        try
        {
            lock (_lock)
            {
                if (QueryProblem(http.Request.Query) is { } problem)
                {
                    CloseLocked(connection, problem.Code, problem.Reason);
                }
                else
                {
                    SendLocked(connection, 10, Data(new HelloWire { HeartbeatInterval = (long)_options.HeartbeatInterval.TotalMilliseconds }, SandboxJsonContext.Wire.HelloWire));
                }
            }

            await ReceiveAsync(connection);
        }
        finally
        {
            connection.CompleteWriter();
            await writer;
            EndConnection(connection);
        }
    }

    private async Task ReceiveAsync(GatewayConnection connection)
    {
        var socket = connection.Socket;
        var buffer = new byte[_options.MaxPayloadBytes + 1];
        var length = 0;
        var discarding = false;
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(discarding ? 0 : length), connection.ReceiveToken);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                lock (_lock)
                {
                    connection.ReceiveFailed();
                }

                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                lock (_lock)
                {
                    connection.ClientClosed(socket.CloseStatus, socket.CloseStatusDescription);
                }

                return;
            }

            if (discarding)
            {
                discarding = !result.EndOfMessage;
                continue;
            }

            length += result.Count;
            if (length > _options.MaxPayloadBytes)
            {
                lock (_lock)
                {
                    CloseLocked(connection, 4002, "Error while decoding payload: larger than 4096 bytes.");
                }

                discarding = !result.EndOfMessage;
                length = 0;
                continue;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            var message = buffer.AsMemory(0, length);
            length = 0;
            lock (_lock)
            {
                if (!connection.Closing)
                {
                    HandleLocked(connection, message.Span, result.MessageType);
                }
            }
        }
    }

    private void EndConnection(GatewayConnection connection)
    {
        GatewayConnectionEnded ended;
        lock (_lock)
        {
            var (by, code, reason) = connection.Ending ?? (GatewayCloseInitiator.ClientDropped, null, null);
            var session = connection.Session;
            if (session is not null)
            {
                if (session.Connection == connection)
                {
                    session.Connection = null;
                }

                // Discord: closing with 1000 or 1001 ends the session (the bot goes offline); anything else may resume.
                if (by == GatewayCloseInitiator.Client && code is 1000 or 1001)
                {
                    InvalidateLocked(session);
                }
            }

            ended = new GatewayConnectionEnded(connection.Id, session?.Id ?? connection.LastSessionId, by, code, reason, _time.GetUtcNow());
            connection.Ended = ended;
        }

        _ended.Add(_ => ended);
        Log.Ended(_logger, connection.Id, ended.InitiatedBy, ended.CloseCode ?? 0);
    }

    private static (int Code, string Reason)? QueryProblem(IQueryCollection query)
    {
        if (query["v"].ToString() != "10")
        {
            return (4012, "Invalid API version: the sandbox speaks gateway v10 only.");
        }

        if (query.TryGetValue("encoding", out var encoding) && encoding.ToString() != "json")
        {
            return (4002, "The sandbox gateway speaks encoding=json only.");
        }

        // Transport compression would make every frame unreadable to a client expecting it; refuse it plainly.
        if (query.ContainsKey("compress"))
        {
            return (4000, "The sandbox gateway does not compress; connect without compress=.");
        }

        return null;
    }


    private void HandleLocked(GatewayConnection connection, ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        var now = _time.GetUtcNow();
        if (!connection.TryCountReceive(now, _options.ClientSendLimit))
        {
            CloseLocked(connection, 4008, "You are being rate limited.");
            return;
        }

        if (type != WebSocketMessageType.Text || !GatewayPayloadReader.TryParse(message, out var op, out var data))
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        _received.Add(index => new GatewayReceivedPayload(index, connection.Id, op, data, now));
        switch (op)
        {
            case 1:
                _heartbeats.Add(now);
                if (_heartbeats.Count > _options.MaxRecorded)
                {
                    _heartbeats.RemoveAt(0);
                }

                if (!connection.Zombie)
                {
                    SendLocked(connection, 11, null);
                }

                return;
            case 2:
                IdentifyLocked(connection, data, now);
                return;
            case 6:
                ResumeLocked(connection, data, now);
                return;
            case 3 or 4 or 8 or 31 or 43 when connection.Session is null:
                CloseLocked(connection, 4003, "Not authenticated.");
                return;
            case 4:
                VoiceStateUpdateLocked(connection, data, now);
                return;
            case 3 or 8 or 31 or 43:
                // Presence, member and soundboard requests: accepted and recorded; nothing the sandbox answers yet.
                return;
            default:
                CloseLocked(connection, 4001, "Unknown opcode.");
                return;
        }
    }

    private List<GatewayConnection> OpenConnectionsLocked() => [.. _connections.Values.Where(connection => connection.IsOpen && !connection.Closing)];

    private void TrimConnectionsLocked()
    {
        foreach (var id in _connections.Where(pair => !pair.Value.IsOpen).Select(pair => pair.Key).Take(Math.Max(0, _connections.Count - _options.MaxRecorded)).ToList())
        {
            _connections.Remove(id);
        }
    }
}
