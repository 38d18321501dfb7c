namespace Serverless.Companion.Health;

/// <summary>
/// <c>GET /healthz</c>: one entry per dependency and an overall status; 503 only on <c>fail</c> (storage unreachable,
/// or a shard stopped for good, which needs an operator: see docs/runbook.md before wiring it to a restart). A standby
/// (another companion holds the lease) answers 200 with status <c>standby</c>: it is healthy and must not be restarted.
/// </summary>
public static class HealthEndpoint
{
    public static void MapCompanionHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/healthz", (ICompanionHealthSource source) =>
        {
            var snapshot = source.Current();
            var overall = snapshot.Overall;
            var body = new
            {
                status = overall,
                gateway = new
                {
                    status = snapshot.Gateway,
                    shards = snapshot.Shards.Select(shard => new { id = shard.ShardId, state = shard.State, latencyMs = shard.LatencyMs, problem = shard.Problem }),
                },
                lavalink = new { status = snapshot.Lavalink, version = snapshot.LavalinkVersion, problem = snapshot.LavalinkProblem },
                storage = new { status = snapshot.StorageReachable switch { true => "ok", false => "fail", null => "starting" } },
                players = snapshot.ActivePlayers,
                lease = snapshot.Lease is { } lease
                    ? new { role = lease.Role, instance = lease.Instance, holder = lease.Holder, expiresAt = lease.ExpiresAt }
                    : null,
            };
            return Results.Json(body, statusCode: overall == "fail" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
}
