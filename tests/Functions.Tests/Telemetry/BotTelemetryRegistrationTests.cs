using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Domain.Telemetry;
using Serverless.Observability;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Functions.Tests.Telemetry;

/// <summary>
/// <see cref="TelemetryServiceCollectionExtensions.AddBotTelemetry"/>: nothing at all without a connection string (so
/// instrumented code finds no listener and pays nothing), the whole pipeline to the ingestion endpoint with one.
/// Alone in its collection: ActivitySource listeners are process-wide, and another test's listener would answer for ours.
/// </summary>
[Collection(TelemetryRegistrationCollection.Name)]
public sealed class BotTelemetryRegistrationTests
{
    [Fact]
    public async Task WithoutAConnectionString_NoProviderIsRegistered_AndNoSourceIsListenedTo()
    {
        using var host = BuildHost(connectionString: null, out var returned);
        await host.StartAsync();
        try
        {
            Assert.Null(returned);
            Assert.Null(host.Services.GetService<TracerProvider>());
            Assert.Null(host.Services.GetService<MeterProvider>());
            Assert.DoesNotContain(host.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
            foreach (var name in AllSourceNames)
            {
                using var source = new ActivitySource(name);
                Assert.False(source.HasListeners(), $"{name} has a listener");
                Assert.Null(source.StartActivity("probe"));
            }

            using var meter = new Meter(TelemetryNames.Interactions);
            var histogram = meter.CreateHistogram<double>("bot.interaction.duration");
            Assert.False(histogram.Enabled);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task WithAConnectionString_ProvidersAreRegistered_SourcesAreListenedTo_AndSpansMetricsAndLogsReachTheEndpoint()
    {
        await using var recorder = IngestionRecorder.Start();
        using var host = BuildHost(recorder.ConnectionString, out var returned);
        await host.StartAsync();
        string traceId;
        try
        {
            Assert.NotNull(returned);
            Assert.NotNull(host.Services.GetService<TracerProvider>());
            Assert.NotNull(host.Services.GetService<MeterProvider>());
            Assert.Contains(host.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
            foreach (var name in AllSourceNames)
            {
                using var probe = new ActivitySource(name);
                Assert.True(probe.HasListeners(), $"{name} has no listener");
            }

            using var source = new ActivitySource(TelemetryNames.Queues);
            using var meter = new Meter(TelemetryNames.Interactions);
            var histogram = meter.CreateHistogram<double>("bot.interaction.duration", "ms");
            Assert.True(histogram.Enabled);
            var logger = host.Services.GetRequiredService<ILogger<BotTelemetryRegistrationTests>>();
            using (var activity = source.StartActivity("process interactions", ActivityKind.Consumer))
            {
                Assert.NotNull(activity);
                activity.SetTag(TelemetryDimensions.CorrelationId, "registration-test");
                traceId = activity.TraceId.ToString();
                using (new ActivitySource(TelemetryNames.DiscordRest).StartActivity("PATCH /webhooks/{application.id}/{interaction.token}/messages/@original", ActivityKind.Client))
                {
                    // HttpClient's own span would carry the URL, token and all: it must not be exported.
                    using var http = new HttpClient();
                    using var response = await http.GetAsync(new Uri($"{recorder.IngestionEndpoint}webhooks/1/{TokenInUrl}"));
                }

                using (logger.BeginScope(new Dictionary<string, object> { [TelemetryDimensions.Command] = "status" }))
                {
#pragma warning disable CA1848 // One line for a test; the product's logging uses [LoggerMessage].
                    logger.LogWarning("registration test line");
#pragma warning restore CA1848
                }
            }

            histogram.Record(12.5, new KeyValuePair<string, object?>("command", "status"));
        }
        finally
        {
            // Stopping and disposing flushes: metrics are otherwise exported once a minute.
            await host.StopAsync();
            host.Dispose();
        }

        await recorder.WaitUntilAsync(
            r => r.Metrics.Any(m => m.MetricName == "bot.interaction.duration") && r.Requests.Count > 0 && r.Dependencies.Count > 0
                && r.Messages.Any(m => m.Message == "registration test line"),
            TimeSpan.FromSeconds(20),
            "request, dependency, log line and metric");
        var request = Assert.Single(recorder.Requests, r => r.Name == "process interactions");
        Assert.Equal(traceId, request.OperationId);
        Assert.Equal("registration-test", request.Property(TelemetryDimensions.CorrelationId));
        var dependency = Assert.Single(recorder.Dependencies);
        Assert.Equal(traceId, dependency.OperationId);
        Assert.Equal(request.SpanId, dependency.ParentId);
        // The dimension propagated from the parent span.
        Assert.Equal("registration-test", dependency.Property(TelemetryDimensions.CorrelationId));
        var message = Assert.Single(recorder.Messages, m => m.Message == "registration test line");
        Assert.Equal("status", message.Property(TelemetryDimensions.Command));
        Assert.Equal(traceId, message.OperationId);
        var metric = Assert.Single(recorder.Metrics, m => m.MetricName == "bot.interaction.duration");
        Assert.Equal("status", metric.Property("command"));
        Assert.Equal(12.5, metric.Value);
        Assert.All(recorder.Items, item => Assert.EndsWith("functions", item.CloudRole, StringComparison.Ordinal));
        Assert.DoesNotContain(recorder.RawPayloads, payload => payload.Contains(TokenInUrl, StringComparison.Ordinal));
    }

    private const string TokenInUrl = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDp0b2tlbi1pbi10aGUtdXJs";

    private static readonly string[] AllSourceNames =
    [
        TelemetryNames.Interactions, TelemetryNames.Queues, TelemetryNames.DiscordRest, TelemetryNames.DiscordGateway,
        TelemetryNames.ScheduledPosts, TelemetryNames.Projections, TelemetryNames.Companion, TelemetryNames.Lavalink,
    ];

    private static IHost BuildHost(string? connectionString, out object? returned)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryOptions.ConnectionStringKey] = connectionString });
        builder.Services.AddLogging();
        returned = builder.Services.AddBotTelemetry(builder.Configuration, roleName: "functions");
        return builder.Build();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryRegistrationCollection
{
    public const string Name = "telemetry registration (process-wide listeners)";
}
