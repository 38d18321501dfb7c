using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Gateway;

/// <summary>Fault scripts: zombie connections, drops, reconnect and invalid-session requests, closes, failed identifies.</summary>
public sealed partial class GatewayDouble
{
    /// <summary>
    /// Heartbeats on the open connections get no ACK from now on (a zombied connection); with
    /// <paramref name="includingNewConnections"/>, later connections too. By default a client that reconnects is
    /// answered again, which is what a zombie-recovery test wants.
    /// </summary>
    public void StopAcknowledgingHeartbeats(bool includingNewConnections = false)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                connection.Zombie = true;
            }

            if (includingNewConnections)
            {
                _acknowledgeNewConnections = false;
            }
        }
    }

    public void ResumeAcknowledgingHeartbeats()
    {
        lock (_lock)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Zombie = false;
            }

            _acknowledgeNewConnections = true;
        }
    }

    /// <summary>Ends every open connection without a close frame. Sessions stay resumable.</summary>
    /// <returns>How many connections were dropped.</returns>
    public int DropConnections()
    {
        lock (_lock)
        {
            var open = OpenConnectionsLocked();
            foreach (var connection in open)
            {
                connection.Drop();
            }

            return open.Count;
        }
    }

    /// <summary>Sends op 7 Reconnect to every open connection: the client should close, reconnect and resume.</summary>
    public void SendReconnect() => SendToOpen(7, null);

    /// <summary>
    /// Sends op 9 Invalid Session to every open connection. With <paramref name="resumable"/> false the sessions are
    /// gone: resuming them gets op 9 <c>d:false</c> again, and the client must identify (the same connection may).
    /// </summary>
    public void SendInvalidSession(bool resumable)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                SendLocked(connection, 9, resumable ? MessageJson.True : MessageJson.False);
                if (!resumable && connection.Session is { } session)
                {
                    InvalidateLocked(session);
                }
            }
        }
    }

    /// <summary>Closes every open connection with <paramref name="code"/>; codes that end a session (4004, 4007, 4009, 4010–4014) invalidate it.</summary>
    public void CloseConnections(int code, string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 4999);
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                CloseLocked(connection, code, reason ?? "Closed by the sandbox.");
            }
        }
    }

    /// <summary>
    /// Closes every connection that holds a session (identified or resumed) with <paramref name="code"/>, and invalidates
    /// those sessions: a revoked token ends them and they cannot be resumed.
    /// </summary>
    public void CloseAuthenticatedConnections(int code, string reason)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                if (connection.Session is { } session)
                {
                    session.Invalidated = true;
                    CloseLocked(connection, code, reason);
                }
            }
        }
    }

    /// <summary>The next <paramref name="count"/> identifies (with the right token) get op 9 <c>d:false</c> instead of READY.</summary>
    public void FailNextIdentifies(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _identifiesToFail = count;
        }
    }

    /// <summary>Sends op 1 to every open connection: Discord asking for a heartbeat now.</summary>
    public void RequestHeartbeat() => SendToOpen(1, null);
}
