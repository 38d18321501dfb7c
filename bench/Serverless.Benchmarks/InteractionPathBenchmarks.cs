using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Controls;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;
using Serverless.Functions.Interactions;

namespace Serverless.Benchmarks;

/// <summary>
/// The interactions endpoint from raw request to response bytes, in-process and without ASP.NET Core:
/// header checks, body read, signature verification, JSON parse, dispatch and (for /ping) serialization.
/// The services are the Functions app's own, built by <see cref="FunctionAppServices.AddFunctionApp"/>.
/// <see cref="Telemetry"/> shows what our instrumentation costs: <c>none</c> is production without
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (nothing listens, so spans and instruments must cost nothing);
/// <c>listener</c> subscribes an <see cref="ActivityListener"/> and a <see cref="MeterListener"/> to every
/// <c>Serverless.*</c> source and meter, recording every span and measurement, as the exporter's SDK would
/// (without the exporter's own batching and serialization, which runs off the request path).
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes the streams and services.")]
public class InteractionPathBenchmarks
{
    private ServiceProvider _services = null!;
    private InteractionProcessor _processor = null!;
    private SignedRequests _requests = null!;
    private MemoryStream _pingStream = null!;
    private MemoryStream _commandStream = null!;
    private ActivityListener? _activityListener;
    private MeterListener? _meterListener;
    private long _spans;
    private long _measurements;

    /// <summary><c>none</c>: no listener (telemetry off); <c>listener</c>: every Serverless.* span and instrument recorded.</summary>
    [Params("none", "listener")]
    public string Telemetry { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        _requests = SignedRequests.Create();
        if (Telemetry == "listener")
        {
            Listen();
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Discord:PublicKey"] = _requests.PublicKeyHex,
                ["Discord:ApplicationId"] = SignedRequests.ApplicationId,
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                // The timestamp is made once here; the widest window allowed keeps it valid however long a run takes.
                ["Interactions:SignatureMaxAge"] = "01:00:00",
                // Command limits are two table read-modify-writes per command: storage I/O, not this CPU path.
                ["Limits:Enabled"] = "false",
            })
            .Build();

        // The operator controls as an instance serves them between reloads: from memory (no switch, block or override).
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IOperatorControls>(NoOperatorControls.Instance)
            .AddFunctionApp(configuration)
            .BuildServiceProvider();
        _processor = _services.GetRequiredService<InteractionProcessor>();

        // Streams are rewound before each operation, so the stream itself is not counted (Kestrel's is pooled too).
        _pingStream = new MemoryStream(_requests.Ping.Body, writable: false);
        _commandStream = new MemoryStream(_requests.PingCommand.Body, writable: false);

        Expect(Answer(_requests.Ping, _pingStream), """{"type":1}""");
        Expect(Answer(_requests.PingCommand, _commandStream), "\"content\":\"Pong! Handled in ");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pingStream.Dispose();
        _commandStream.Dispose();
        _services.Dispose();
        _activityListener?.Dispose();
        _meterListener?.Dispose();
        if (Telemetry == "listener")
        {
            // Shows the listener heard something; zero means the instrumentation on this path is not wired yet.
            Console.WriteLine($"// telemetry listener: {Interlocked.Read(ref _spans)} spans, {Interlocked.Read(ref _measurements)} measurements");
        }
    }

    /// <summary>A verified PING: what Discord sends when the endpoint URL is saved, and the target of &lt; 100 µs.</summary>
    [Benchmark(Baseline = true)]
    public int Ping() => Process(_requests.Ping, _pingStream);

    /// <summary>A verified <c>/ping</c> application command, answered inline with a message.</summary>
    [Benchmark]
    public int PingCommand() => Process(_requests.PingCommand, _commandStream);

    private void Listen()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith(TelemetryNames.Prefix, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _spans),
        };
        ActivitySource.AddActivityListener(_activityListener);

        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith(TelemetryNames.Prefix, StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.Start();
    }

    private int Process(SignedRequest request, MemoryStream body)
    {
        var response = Answer(request, body);
        return response.StatusCode == 200 ? response.Body.Span.Length : -response.StatusCode;
    }

    private InteractionHttpResponse Answer(SignedRequest request, MemoryStream body)
    {
        body.Position = 0;
        var pending = _processor.ProcessAsync(request.SignatureHex, _requests.Timestamp, request.Body.Length, body, CancellationToken.None);

        // Over a MemoryStream the whole path completes synchronously; if that ever changes, the figures would
        // include a state machine box and a blocking wait, so fail rather than measure something else.
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("ProcessAsync did not complete synchronously.");
    }

    private static void Expect(InteractionHttpResponse response, string expected)
    {
        var text = Encoding.UTF8.GetString(response.Body.Span);
        if (response.StatusCode != 200 || !text.Contains(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected answer {response.StatusCode} {text}: the benchmark would measure something else.");
        }
    }
}
