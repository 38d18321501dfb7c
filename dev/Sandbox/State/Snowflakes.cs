namespace Serverless.Sandbox.State;

/// <summary>Discord-shaped ids: milliseconds since the Discord epoch in the top bits, a counter in the low 22.</summary>
internal sealed class SnowflakeGenerator(TimeProvider timeProvider)
{
    public const long DiscordEpochMilliseconds = 1420070400000;

    private readonly Lock _lock = new();
    private ulong _last;

    public ulong Next()
    {
        // Clamped at the epoch so a FakeTimeProvider's default start (2000) still yields valid ids.
        var milliseconds = Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - DiscordEpochMilliseconds);
        var candidate = (ulong)milliseconds << 22;
        lock (_lock)
        {
            // Strictly increasing, even within one millisecond or when a fake clock stands still.
            _last = candidate > _last ? candidate : _last + 1;
            return _last;
        }
    }
}
