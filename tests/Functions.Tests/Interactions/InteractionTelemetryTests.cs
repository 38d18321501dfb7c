using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Interactions;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>
/// The endpoint's telemetry: the request's span names the interaction (correlation id, guild, command path, feature,
/// type), and <c>bot.interaction.duration</c> is recorded for every request by command, type and outcome. Not run beside
/// other tests: a listener sees every request's span.
/// </summary>
[Collection(EndpointSpanTests.Name)]
public sealed class InteractionTelemetryTests : IAsyncLifetime
{
    private const string Guild = "900000000000000777";
    private readonly RecordingDeferredQueue _queue = new();
    private readonly List<Activity> _spans = [];
    private readonly List<(string Instrument, string? Unit, double Value, Dictionary<string, string?> Tags)> _measurements = [];
    private ActivityListener? _spanListener;
    private MeterListener? _meterListener;
    private FunctionTestHost? _host;

    private FunctionTestHost Host => _host!;

    public async Task InitializeAsync()
    {
        // The ASP.NET Core request span stands in for the worker's invocation span: both are Activity.Current.
        _spanListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                {
                    _spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_spanListener);
        _host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IDeferredCommandQueue>(_queue));
        var factory = _host.App.Services.GetRequiredService<IMeterFactory>();
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == TelemetryNames.Interactions)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, instrument.Unit, value, copy));
            }
        });
        _meterListener.Start();
    }

    [Fact]
    public async Task ADeferredSubcommand_TagsTheRequestSpan_AndRecordsItsDuration_AsDeferred()
    {
        using var response = await Host.SendSignedAsync(Command("""[{"name":"play","type":1,"options":[{"name":"query","type":3,"value":"lofi"}]}]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var queued = Assert.Single(_queue.Enqueued);
        var span = await RequestSpanAsync();
        Assert.Equal(queued.Invocation.CorrelationId, span.GetTagItem(TelemetryDimensions.CorrelationId));
        Assert.Equal(Guild, span.GetTagItem(TelemetryDimensions.GuildId));
        Assert.Equal("music play", span.GetTagItem(TelemetryDimensions.Command));
        Assert.Equal("music", span.GetTagItem(TelemetryDimensions.Feature));
        Assert.Equal("command", span.GetTagItem(InteractionProcessor.InteractionTypeTag));
        AssertNoSecret(span);

        var measurement = Assert.Single(_measurements, m => m.Instrument == InteractionMetrics.DurationName);
        Assert.Equal("ms", measurement.Unit);
        Assert.Equal(new Dictionary<string, string?> { ["command"] = "music play", ["type"] = "command", ["outcome"] = "deferred" }, measurement.Tags);
    }

    [Fact]
    public async Task AClickedButton_IsNamedByItsRoute_AndItsFeature()
    {
        using var response = await Host.SendSignedAsync(
            $$$"""{"type":3,"id":"1312345678901234571","application_id":"100000000000000001","guild_id":"{{{Guild}}}","channel_id":"900000000000000002","token":"c2VjcmV0LXRva2Vu","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"message":{"id":"900000000000000099"},"data":{"custom_id":"music:skip","component_type":2}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = await RequestSpanAsync();
        Assert.Equal("music:", span.GetTagItem(TelemetryDimensions.Command));
        Assert.Equal("music", span.GetTagItem(TelemetryDimensions.Feature));
        Assert.Equal("component", span.GetTagItem(InteractionProcessor.InteractionTypeTag));
        Assert.Equal(
            new Dictionary<string, string?> { ["command"] = "music:", ["type"] = "component", ["outcome"] = "deferred" },
            Assert.Single(_measurements).Tags);
    }

    [Fact]
    public async Task APing_IsAnswered_WithNoCommand()
    {
        using var response = await Host.SendSignedAsync("""{"type":1,"id":"1312345678901234567","application_id":"100000000000000001","token":"dG9rZW4","version":1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            new Dictionary<string, string?> { ["command"] = "-", ["type"] = "ping", ["outcome"] = "answered" },
            Assert.Single(_measurements).Tags);
    }

    [Fact]
    public async Task ABadSignature_IsRefused_AsAnUnknownCommand()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/interactions") { Content = new StringContent(Command("[]")) };
        request.Headers.Add("X-Signature-Ed25519", new string('0', 128));
        request.Headers.Add("X-Signature-Timestamp", Host.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            new Dictionary<string, string?> { ["command"] = "unknown", ["type"] = "unknown", ["outcome"] = "refused" },
            Assert.Single(_measurements).Tags);
    }

    [Fact]
    public async Task WorkThatCannotBeQueued_Failed()
    {
        _queue.FailWith = new InvalidOperationException("storage is down");

        using var response = await Host.SendSignedAsync(Command("""[{"name":"skip","type":1}]"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(
            new Dictionary<string, string?> { ["command"] = "music skip", ["type"] = "command", ["outcome"] = "failed" },
            Assert.Single(_measurements).Tags);
    }

    public async Task DisposeAsync()
    {
        _meterListener?.Dispose();
        _spanListener?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private static string Command(string options) =>
        $$$"""{"type":2,"id":"1312345678901234570","application_id":"100000000000000001","guild_id":"{{{Guild}}}","channel_id":"900000000000000002","token":"c2VjcmV0LXRva2Vu","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"data":{"id":"7","name":"music","type":1,"options":{{{options}}}}}""";

    /// <summary>The request span stops just after the response is sent: wait for it a moment.</summary>
    private async Task<Activity> RequestSpanAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            lock (_spans)
            {
                if (_spans.FirstOrDefault(span => Equals(span.GetTagItem(TelemetryDimensions.GuildId), Guild)) is { } span)
                {
                    return span;
                }
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException("no request span was tagged with the guild");
    }

    private static void AssertNoSecret(Activity span)
    {
        foreach (var (key, value) in span.TagObjects)
        {
            Assert.DoesNotContain("c2VjcmV0LXRva2Vu", $"{key}={value}", StringComparison.Ordinal);
        }

        Assert.DoesNotContain("c2VjcmV0LXRva2Vu", span.DisplayName, StringComparison.Ordinal);
    }
}

/// <summary>Tests that listen to request spans run alone: a listener sees every request of every test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndpointSpanTests
{
    public const string Name = "Endpoint spans";
}
