using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Serverless.PingThroughput;

/// <summary>
/// A stand-in for Application Insights' ingestion endpoint on loopback, for <c>--telemetry on</c>: it accepts what the
/// exporter posts to <c>/v2.1/track</c> (JSON lines, gzipped or not), counts the items by name and answers as the
/// service does. Nothing is kept but the counts; the figures measure sending telemetry, not a real backend.
/// </summary>
internal sealed class IngestionSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, int> _byName = new(StringComparer.Ordinal);
    private int _requests;

    private IngestionSink(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>What the worker is given: a zero instrumentation key and this sink as the ingestion endpoint.</summary>
    public string ConnectionString => $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{Port}/";

    public int Requests => Volatile.Read(ref _requests);

    public int Items => _byName.Values.Sum();

    /// <summary>Items by telemetry name (<c>Request</c>, <c>RemoteDependency</c>, <c>Message</c>, <c>Metric</c>, …), most first.</summary>
    public string Describe() =>
        _byName.IsEmpty ? "none" : string.Join(", ", _byName.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value:N0}"));

    public static IngestionSink Start()
    {
        // A free loopback port: HttpListener cannot bind port 0 itself.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new IngestionSink(port);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopping the listener ends the pending accept with this.
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task AcceptAsync()
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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var accepted = 0;
        try
        {
            Interlocked.Increment(ref _requests);
            Stream body = context.Request.InputStream;
            if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body, Encoding.UTF8);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                accepted++;
                _byName.AddOrUpdate(NameOf(line), 1, (_, count) => count + 1);
            }

            var answer = Encoding.UTF8.GetBytes($$"""{"itemsReceived":{{accepted}},"itemsAccepted":{{accepted}},"errors":[]}""");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer);
        }
        catch (Exception exception) when (exception is IOException or HttpListenerException or InvalidDataException)
        {
            context.Response.StatusCode = 400;
        }
        finally
        {
            context.Response.Close();
        }
    }

    private static string NameOf(string line)
    {
        try
        {
            using var item = JsonDocument.Parse(line);
            return item.RootElement.TryGetProperty("name", out var name) && name.GetString() is { } text ? text : "(unnamed)";
        }
        catch (JsonException)
        {
            return "(not JSON)";
        }
    }
}
