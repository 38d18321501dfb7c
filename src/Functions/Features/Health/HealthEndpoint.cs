using System.Text.Json.Serialization;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Features.Health;

/// <summary>
/// <c>GET /api/healthz</c> (anonymous) answers the overall status only; <c>GET /api/healthz/detail</c> (a function key,
/// checked by the Functions host) has one entry per dependency. Both are 200 unless the bot cannot work at all (503), and
/// both read <see cref="HealthProbeCache"/>, so hitting them costs Discord and storage nothing within its window.
/// Storage down is a failure: nothing deferred can be accepted. Discord trouble is degraded: inline answers still work.
/// The gateway and Lavalink are judged from the companion's heartbeat; a missing or stale one is degraded, never a
/// failure: only music needs the companion.
/// </summary>
public static class HealthEndpoint
{
    public const string Route = "/api/healthz";
    public const string DetailRoute = "/api/healthz/detail";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, static async context =>
        {
            var report = await ReportAsync(context);
            await WriteAsync(context, report.Status, new HealthSummary { Status = report.Status }, HealthJsonContext.Default.HealthSummary);
        });
        endpoints.MapGet(DetailRoute, static async context =>
        {
            var report = await ReportAsync(context);
            await WriteAsync(context, report.Status, report, HealthJsonContext.Default.HealthReport);
        });
        return endpoints;
    }

    private static async Task<HealthReport> ReportAsync(HttpContext context)
    {
        var snapshot = await context.RequestServices.GetRequiredService<HealthProbeCache>().GetAsync(context.RequestAborted);
        return Report(snapshot.Storage, snapshot.Discord, snapshot.Companion);
    }

    private static Task WriteAsync<T>(HttpContext context, string status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status == "fail" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(body, typeInfo, cancellationToken: context.RequestAborted);
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
