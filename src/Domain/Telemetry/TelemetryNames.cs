namespace Serverless.Domain.Telemetry;

/// <summary>
/// The names Application Insights sees: one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/> per area, all under <see cref="Prefix"/> so the exporter subscribes
/// to them with one wildcard. <c>docs/telemetry.md</c> lists every instrument, its unit and its alert; the workbook
/// and the alert rules in <c>infra/</c> query these names, so renaming one is a breaking change for operators.
/// </summary>
public static class TelemetryNames
{
    public const string Prefix = "Serverless.";

    /// <summary>The interaction endpoint: the request's tags and the enqueue of deferred work.</summary>
    public const string Interactions = "Serverless.Interactions";

    /// <summary>Queue-triggered work (<c>interactions</c>, <c>voice</c>, <c>posts</c>) and the queue depth sampler.</summary>
    public const string Queues = "Serverless.Queues";

    /// <summary>Every call to Discord's REST API: route, bucket, status, retries, rate-limit waits.</summary>
    public const string DiscordRest = "Serverless.Discord.Rest";

    /// <summary>The gateway shards the companion holds.</summary>
    public const string DiscordGateway = "Serverless.Discord.Gateway";

    /// <summary>The scheduled posts timer and publisher.</summary>
    public const string ScheduledPosts = "Serverless.ScheduledPosts";

    /// <summary>The projection refresher: Discord writes by outcome and the dashboards' staleness.</summary>
    public const string Projections = "Serverless.Projections";

    /// <summary>The companion's own health: its heartbeat as the Functions app sees it.</summary>
    public const string Companion = "Serverless.Companion";

    /// <summary>Calls to Lavalink and its node, players and track events.</summary>
    public const string Lavalink = "Serverless.Lavalink";
}

/// <summary>
/// The dimensions every span and log line carries (the log scopes use the same keys), so one KQL filter such as
/// <c>customDimensions.CorrelationId == "…"</c> finds requests, dependencies and traces alike.
/// </summary>
public static class TelemetryDimensions
{
    public const string CorrelationId = "CorrelationId";

    public const string GuildId = "GuildId";

    /// <summary>The full command path as users type it (<c>music play</c>), or the component's route.</summary>
    public const string Command = "Command";

    /// <summary>The feature module that owns the command (<c>music</c>, <c>scheduled-posts</c>).</summary>
    public const string Feature = "Feature";

    /// <summary>The four above, in the order a processor copies them from parent to child span.</summary>
    public static readonly IReadOnlyList<string> Propagated = [CorrelationId, GuildId, Command, Feature];
}
