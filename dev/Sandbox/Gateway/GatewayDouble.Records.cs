namespace Serverless.Sandbox.Gateway;

/// <summary>What tests observe of the gateway: counters, records of every payload, session start and end, and waits on them.</summary>
public sealed partial class GatewayDouble
{
    /// <summary>Identify payloads received with the right token (scripted failures included).</summary>
    public int IdentifyCount
    {
        get
        {
            lock (_lock)
            {
                return _identifies;
            }
        }
    }

    /// <summary>Resume payloads received with the right token, whether or not the session could be resumed.</summary>
    public int ResumeCount
    {
        get
        {
            lock (_lock)
            {
                return _resumes;
            }
        }
    }

    /// <summary>When each op 1 from a client arrived (gateway clock), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> HeartbeatsReceived
    {
        get
        {
            lock (_lock)
            {
                return [.. _heartbeats];
            }
        }
    }

    public IReadOnlyList<GatewayConnectionInfo> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections.Values.Select(c => new GatewayConnectionInfo(c.Id, c.OpenedAt, c.Session?.Id ?? c.LastSessionId, c.ShardId, c.IsOpen, c.Ended))];
            }
        }
    }

    public IReadOnlyList<GatewayReceivedPayload> Received => _received.Snapshot();

    public IReadOnlyList<GatewaySentPayload> Sent => _sent.Snapshot();

    public IReadOnlyList<GatewaySessionStart> SessionStarts => _sessionStarts.Snapshot();

    /// <summary>How each connection ended: who closed first and with which code.</summary>
    public IReadOnlyList<GatewayConnectionEnded> ConnectionsEnded => _ended.Snapshot();

    public IReadOnlyList<GatewayVoiceRequest> VoiceRequests => _voiceRequests.Snapshot();

    /// <summary>Forgets what was recorded (payloads, session starts, ends, voice requests, heartbeats); counters stay.</summary>
    public void ClearRecords()
    {
        lock (_lock)
        {
            _heartbeats.Clear();
        }

        _received.Clear();
        _sent.Clear();
        _sessionStarts.Clear();
        _ended.Clear();
        _voiceRequests.Clear();
    }

    /// <summary>Completes when a connection gets READY or RESUMED matching <paramref name="predicate"/> (any when null), or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewaySessionStart> WaitForSessionAsync(Func<GatewaySessionStart, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _sessionStarts.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);

    /// <summary>Completes when a client sends op <paramref name="op"/> matching <paramref name="predicate"/>, or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayReceivedPayload> WaitForOpAsync(int op, Func<GatewayReceivedPayload, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _received.WaitAsync(payload => payload.Op == op && (predicate is null || predicate(payload)), timeout, cancellationToken);

    /// <summary>Completes when a connection ends matching <paramref name="predicate"/>, or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayConnectionEnded> WaitForConnectionEndedAsync(Func<GatewayConnectionEnded, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _ended.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);

    /// <summary>Completes when the bot sends an op 4 matching <paramref name="predicate"/>, or at once if it did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayVoiceRequest> WaitForVoiceRequestAsync(Func<GatewayVoiceRequest, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _voiceRequests.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);
}
