namespace Serverless.Companion.Health;

/// <summary>Section <c>Companion:Heartbeat</c>.</summary>
public sealed class HeartbeatOptions : Hosting.ISelfValidatingOptions
{
    public const string Section = "Companion:Heartbeat";

    /// <summary>How often the heartbeat row is written; the Functions app calls a heartbeat stale after a few of these.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Validate() =>
        Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromMinutes(5)
            ? ["Companion__Heartbeat__Interval must be between 00:00:01 and 00:05:00."]
            : [];
}
