using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Features.Health;

/// <summary>
/// The <c>healthz</c> function (anonymous <c>GET /api/healthz</c>) answers the overall status only; <c>healthz-detail</c>
/// (<c>GET /api/healthz/detail</c>, a function key checked by the Functions host) has one entry per dependency. Both are
/// 200 unless the bot cannot work at all (503), and both read <see cref="HealthProbeCache"/>, so hitting them costs
/// Discord and storage nothing within its window. Storage down is a failure: nothing deferred can be accepted. Discord
/// trouble is degraded: inline answers still work. The gateway and Lavalink are judged from the companion's heartbeat;
/// a missing or stale one is degraded, never a failure: only music needs the companion.
/// </summary>
public sealed class HealthFunctions(HealthProbeCache cache)
{
    public const string StatusFunctionName = "healthz";
    public const string DetailFunctionName = "healthz-detail";
    public const string StatusRoute = "healthz";
    public const string DetailRoute = "healthz/detail";

    [Function(StatusFunctionName)]
    public async Task<IResult> GetStatusAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = StatusRoute)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await ReportAsync(request.HttpContext.RequestAborted);
        return new HealthResult<HealthSummary>(report.Status, new HealthSummary { Status = report.Status }, HealthJsonContext.Default.HealthSummary);
    }

    [Function(DetailFunctionName)]
    public async Task<IResult> GetDetailAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = DetailRoute)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await ReportAsync(request.HttpContext.RequestAborted);
        return new HealthResult<HealthReport>(report.Status, report, HealthJsonContext.Default.HealthReport);
    }

    private async Task<HealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        var snapshot = await cache.GetAsync(cancellationToken);
        return Report(snapshot.Storage, snapshot.Discord, snapshot.Companion);
    }

    /// <summary>A health answer is never cached on the way: each caller sees the probes' current state.</summary>
    private sealed class HealthResult<T>(string status, T body, JsonTypeInfo<T> typeInfo) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status == "fail" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            httpContext.Response.Headers.CacheControl = "no-store";
            return httpContext.Response.WriteAsJsonAsync(body, typeInfo, cancellationToken: httpContext.RequestAborted);
        }
    }

    public static HealthReport Report(StorageStatus storage, DiscordStatus discord, CompanionStatus companion)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(discord);
        ArgumentNullException.ThrowIfNull(companion);
        var storageOk = storage.State == DependencyState.Ok;
        var discordOk = discord.State == DependencyState.Ok;
        var live = companion.Heartbeat is not null && !companion.Stale;
        return new HealthReport
        {
            Status = !storageOk ? "fail" : discordOk && companion.IsOk ? "ok" : "degraded",
            Storage = new HealthEntry { Status = Name(storage.State), LatencyMs = storageOk ? Math.Round(storage.Latency.TotalMilliseconds, 1) : null, Detail = storage.Problem },
            Discord = new HealthEntry { Status = Name(discord.State), Detail = discord.Problem },
            Gateway = new HealthEntry
            {
                Status = Name(companion.Gateway),
                LatencyMs = live ? companion.LatencyMs : null,
                Detail = live ? $"{companion.DescribeGateway()}; heartbeat {CompanionStatus.FormatAge(companion.Age!.Value)} ago" : companion.Describe(),
            },
            Lavalink = new HealthEntry
            {
                Status = Name(companion.Lavalink),
                Detail = live ? companion.DescribeLavalink() : companion.Describe(),
            },
        };
    }

    private static string Name(DependencyState state) => state switch
    {
        DependencyState.Ok => "ok",
        DependencyState.Degraded => "degraded",
        DependencyState.Unauthorized => "unauthorized",
        DependencyState.Unreachable => "unreachable",
        DependencyState.NotConfigured => "not_configured",
        _ => "unknown",
    };
}

/// <summary>What anonymous callers see: the overall status, nothing about the dependencies behind it.</summary>
public sealed class HealthSummary
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }
}

public sealed class HealthReport
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("storage")]
    public required HealthEntry Storage { get; init; }

    [JsonPropertyName("discord")]
    public required HealthEntry Discord { get; init; }

    /// <summary>Discord's gateway as the companion last reported it.</summary>
    [JsonPropertyName("gateway")]
    public required HealthEntry Gateway { get; init; }

    /// <summary>The companion's Lavalink server as it last reported it.</summary>
    [JsonPropertyName("lavalink")]
    public required HealthEntry Lavalink { get; init; }
}

public sealed class HealthEntry
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("latencyMs")]
    public double? LatencyMs { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(HealthSummary))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
