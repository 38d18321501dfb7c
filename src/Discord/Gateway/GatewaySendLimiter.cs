namespace Serverless.Discord.Gateway;

/// <summary>
/// Discord's 120 sends per 60 s per connection as a sliding window log. Ordinary sends stop short of the limit by
/// <see cref="GatewayLimits.HeartbeatReserve"/> so heartbeats always find a slot; callers over the limit wait, never dropped.
/// </summary>
internal sealed class GatewaySendLimiter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _sentAt = new();

    public async Task WaitForSlotAsync(bool heartbeat, CancellationToken cancellationToken)
    {
        var limit = heartbeat ? GatewayLimits.SendsPerWindow : GatewayLimits.SendsPerWindow - GatewayLimits.HeartbeatReserve;
        while (true)
        {
            DateTimeOffset slotFreesAt;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                while (_sentAt.Count > 0 && _sentAt.Peek() + GatewayLimits.SendWindow <= now)
                {
                    _sentAt.Dequeue();
                }

                if (_sentAt.Count < limit)
                {
                    _sentAt.Enqueue(now);
                    return;
                }

                // The send that must leave the window before this one fits.
                slotFreesAt = _sentAt.ElementAt(_sentAt.Count - limit) + GatewayLimits.SendWindow;
            }

            await time.DelayUntilAsync(slotFreesAt, cancellationToken);
        }
    }
}
