using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Serverless.TestSupport.Telemetry;

/// <summary>
/// A local stand-in for Application Insights' ingestion endpoint: give a process <see cref="ConnectionString"/> as
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> and everything its exporter sends (<c>POST /v2.1/track</c>, newline
/// separated JSON, gzipped or not) is kept here, parsed for assertions and raw for secret scans. Answers as the real
/// endpoint does, so the exporter neither retries nor stores items for later.
/// </summary>
public sealed class IngestionRecorder : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly Lock _gate = new();
    private readonly List<RecordedTelemetry> _items = [];
    private readonly List<string> _rawPayloads = [];
    private readonly List<string> _malformedLines = [];
    private readonly List<string> _requestPaths = [];

    private IngestionRecorder(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        InstrumentationKey = Guid.NewGuid().ToString();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The key in <see cref="ConnectionString"/>; every envelope carries it as <c>iKey</c>.</summary>
    public string InstrumentationKey { get; }

    public string IngestionEndpoint => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/");

    /// <summary><c>InstrumentationKey=…;IngestionEndpoint=http://127.0.0.1:PORT/</c>.</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={IngestionEndpoint}";

    /// <summary>Every item accepted so far, in arrival order.</summary>
    public IReadOnlyList<RecordedTelemetry> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>Each request body as received, decompressed: what a secret scan reads.</summary>
    public IReadOnlyList<string> RawPayloads
    {
        get
        {
            lock (_gate)
            {
                return [.. _rawPayloads];
            }
        }
    }

    /// <summary>Lines that were not a JSON object: refused in the reply (status 400 for that line), kept here.</summary>
    public IReadOnlyList<string> MalformedLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _malformedLines];
            }
        }
    }

    /// <summary>The path of every request, <c>/v2.1/track</c> and anything else, for a test that checks nothing else was called.</summary>
    public IReadOnlyList<string> RequestPaths
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestPaths];
            }
        }
    }

    public IReadOnlyList<RecordedRequest> Requests => [.. Items.OfType<RecordedRequest>()];

    public IReadOnlyList<RecordedDependency> Dependencies => [.. Items.OfType<RecordedDependency>()];

    public IReadOnlyList<RecordedMessage> Messages => [.. Items.OfType<RecordedMessage>()];

    public IReadOnlyList<RecordedMetric> Metrics => [.. Items.OfType<RecordedMetric>()];

    public IReadOnlyList<RecordedException> Exceptions => [.. Items.OfType<RecordedException>()];

    /// <summary>Starts on a free loopback port.</summary>
    public static IngestionRecorder Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = ProcessRunner.FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            try
            {
                listener.Start();
                return new IngestionRecorder(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Taken between the probe and the bind: another port.
                listener.Close();
            }
        }
    }

    /// <summary>The first item of type <typeparamref name="T"/> that matches, once it has arrived.</summary>
    /// <exception cref="TimeoutException">None arrived in time; the message lists what did.</exception>
    public async Task<T> WaitForAsync<T>(Func<T, bool> predicate, TimeSpan timeout)
        where T : RecordedTelemetry
    {
        T? found = null;
        await WaitUntilAsync(recorder => (found = recorder.Items.OfType<T>().FirstOrDefault(predicate)) is not null, timeout, typeof(T).Name);
        return found!;
    }

    /// <summary>The first item that matches, once it has arrived.</summary>
    public Task<RecordedTelemetry> WaitForAsync(Func<RecordedTelemetry, bool> predicate, TimeSpan timeout) =>
        WaitForAsync<RecordedTelemetry>(predicate, timeout);

    /// <summary>Polls until <paramref name="condition"/> holds over what was recorded.</summary>
    /// <exception cref="TimeoutException">It did not hold in time; the message lists what arrived.</exception>
    public async Task WaitUntilAsync(Func<IngestionRecorder, bool> condition, TimeSpan timeout, string? what = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"No {what ?? "matching telemetry"} within {timeout}. Received:\n{Describe()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>One line per item received (metrics summarised), for failure messages.</summary>
    public string Describe()
    {
        var items = Items;
        var lines = items.Where(item => item is not RecordedMetric and not RecordedMessage).Select(item => item.ToString()).ToList();
        lines.AddRange(items.OfType<RecordedMetric>().GroupBy(m => m.MetricName).Select(group => $"Metric {group.Key} x{group.Count()}: {group.Last()}"));
        lines.Add($"({items.OfType<RecordedMessage>().Count()} log messages, {MalformedLines.Count} malformed lines)");
        return string.Join('\n', lines);
    }

    /// <summary>Forgets everything recorded so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
            _rawPayloads.Clear();
            _malformedLines.Clear();
            _requestPaths.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Closing the listener ends the accept loop this way.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? "";
            lock (_gate)
            {
                _requestPaths.Add(path);
            }

            if (context.Request.HttpMethod != "POST" || path.TrimEnd('/') is not ("/v2.1/track" or "/v2/track"))
            {
                response.StatusCode = 404;
                return;
            }

            var body = await ReadBodyAsync(context.Request);
            var reply = Record(body);
            response.StatusCode = reply.Accepted == reply.Received ? 200 : 206;
            response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(reply.Json);
            await response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or HttpListenerException)
        {
            response.StatusCode = 400;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<string> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var gzipped = string.Equals(request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase)
            || (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b);
        if (!gzipped)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Keeps the body and each of its lines; the reply the real endpoint gives for them.</summary>
    private (int Received, int Accepted, string Json) Record(string body)
    {
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var items = new List<RecordedTelemetry>(lines.Length);
        var errors = new List<object>();
        var malformed = new List<string>();
        for (var index = 0; index < lines.Length; index++)
        {
            if (TryParse(lines[index]) is { } envelope)
            {
                items.Add(RecordedTelemetry.Create(envelope));
            }
            else
            {
                malformed.Add(lines[index]);
                errors.Add(new { index, statusCode = 400, message = "not a JSON object" });
            }
        }

        lock (_gate)
        {
            _rawPayloads.Add(body);
            _items.AddRange(items);
            _malformedLines.AddRange(malformed);
        }

        var json = JsonSerializer.Serialize(new { itemsReceived = lines.Length, itemsAccepted = items.Count, errors });
        return (lines.Length, items.Count, json);
    }

    private static JsonElement? TryParse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
