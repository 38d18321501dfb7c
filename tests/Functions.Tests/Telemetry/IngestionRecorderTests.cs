using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Functions.Tests.Telemetry;

/// <summary>The local stand-in for Application Insights' ingestion endpoint the end-to-end telemetry tests record with.</summary>
public sealed class IngestionRecorderTests : IAsyncLifetime
{
    private const string RequestLine = """{"name":"Request","time":"2026-01-01T00:00:00Z","iKey":"k","tags":{"ai.operation.id":"4bf92f3577b34da6a3ce929d0e0e4736","ai.operation.parentId":"00f067aa0ba902b7","ai.cloud.role":"functions"},"data":{"baseType":"RequestData","baseData":{"ver":2,"id":"b7ad6b7169203331","name":"process interactions","duration":"00:00:00.010","success":true,"responseCode":"0","properties":{"CorrelationId":"c-1","Command":"status"}}}}""";
    private const string DependencyLine = """{"name":"RemoteDependency","iKey":"k","tags":{"ai.operation.id":"4bf92f3577b34da6a3ce929d0e0e4736","ai.operation.parentId":"b7ad6b7169203331","ai.cloud.role":"functions"},"data":{"baseType":"RemoteDependencyData","baseData":{"ver":2,"id":"0000000000000001","name":"PATCH /webhooks/{application.id}/{interaction.token}/messages/@original","type":"HTTP","resultCode":"200","properties":{"discord.route":"r"}}}}""";
    private const string MetricLine = """{"name":"Metric","iKey":"k","tags":{"ai.cloud.role":"companion"},"data":{"baseType":"MetricData","baseData":{"ver":2,"metrics":[{"name":"discord.gateway.latency","value":42.5,"count":3,"min":10,"max":20}],"properties":{"shard":"0"}}}}""";
    private const string MessageLine = """{"name":"Message","iKey":"k","tags":{},"data":{"baseType":"MessageData","baseData":{"ver":2,"message":"hello","severityLevel":"Information","properties":{"CategoryName":"Cat","EventId":"7"}}}}""";

    private readonly HttpClient _client = new();
    private IngestionRecorder _recorder = null!;

    public Task InitializeAsync()
    {
        _recorder = IngestionRecorder.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _recorder.DisposeAsync();
    }

    [Fact]
    public void ConnectionString_PointsTheExporterAtTheRecorderOnLoopback()
    {
        Assert.Equal($"InstrumentationKey={_recorder.InstrumentationKey};IngestionEndpoint=http://127.0.0.1:{_recorder.Port}/", _recorder.ConnectionString);
        Assert.True(Guid.TryParse(_recorder.InstrumentationKey, out _));
    }

    [Fact]
    public async Task PlainBody_OfSeveralLines_IsKeptItemByItem_AndAnsweredLikeTheRealEndpoint()
    {
        var body = string.Join('\n', RequestLine, DependencyLine, MetricLine, MessageLine) + "\n";

        using var response = await PostAsync("v2.1/track", Encoding.UTF8.GetBytes(body), gzip: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, reply.RootElement.GetProperty("itemsReceived").GetInt32());
        Assert.Equal(4, reply.RootElement.GetProperty("itemsAccepted").GetInt32());
        Assert.Equal(0, reply.RootElement.GetProperty("errors").GetArrayLength());

        var request = Assert.Single(_recorder.Requests);
        Assert.Equal("process interactions", request.Name);
        Assert.Equal("b7ad6b7169203331", request.SpanId);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", request.OperationId);
        Assert.Equal("00f067aa0ba902b7", request.ParentId);
        Assert.Equal("functions", request.CloudRole);
        Assert.Equal("status", request.Property("Command"));
        Assert.True(request.Success);

        var dependency = Assert.Single(_recorder.Dependencies);
        Assert.Equal(request.SpanId, dependency.ParentId);
        Assert.Equal("HTTP", dependency.DependencyType);
        Assert.Equal("200", dependency.ResultCode);

        var metric = Assert.Single(_recorder.Metrics);
        Assert.Equal("discord.gateway.latency", metric.MetricName);
        Assert.Equal(42.5, metric.Value);
        Assert.Equal(3, metric.Count);
        Assert.Equal("0", metric.Property("shard"));
        Assert.Equal("companion", metric.CloudRole);

        var message = Assert.Single(_recorder.Messages);
        Assert.Equal("hello", message.Message);
        Assert.Equal("Cat", message.CategoryName);
        Assert.Equal(body, Assert.Single(_recorder.RawPayloads));
    }

    [Fact]
    public async Task GzippedBody_IsDecompressed_AndTheRawPayloadIsTheDecodedText()
    {
        var body = RequestLine + "\n" + MetricLine;

        using var response = await PostAsync("v2.1/track", Gzip(body), gzip: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _recorder.Items.Count);
        Assert.Equal(body, Assert.Single(_recorder.RawPayloads));
    }

    [Fact]
    public async Task TheOlderTrackPath_IsAcceptedToo_AndAnyOtherPathIs404()
    {
        using var v2 = await PostAsync("v2/track", Encoding.UTF8.GetBytes(MessageLine), gzip: false);
        using var other = await PostAsync("QuickPulseService.svc/post", Encoding.UTF8.GetBytes(MessageLine), gzip: false);

        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Single(_recorder.Messages);
        Assert.Equal(["/v2/track", "/QuickPulseService.svc/post"], _recorder.RequestPaths);
    }

    [Fact]
    public async Task MalformedLine_IsRefusedInTheReply_KeptAsRaw_AndTheOthersAccepted()
    {
        var body = RequestLine + "\n{not json\n" + MessageLine;

        using var response = await PostAsync("v2.1/track", Encoding.UTF8.GetBytes(body), gzip: false);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, reply.RootElement.GetProperty("itemsReceived").GetInt32());
        Assert.Equal(2, reply.RootElement.GetProperty("itemsAccepted").GetInt32());
        var error = Assert.Single(reply.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal(400, error.GetProperty("statusCode").GetInt32());
        Assert.Equal("{not json", Assert.Single(_recorder.MalformedLines));
        Assert.Equal(2, _recorder.Items.Count);
        Assert.Contains("{not json", Assert.Single(_recorder.RawPayloads), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForAsync_ReturnsTheItemOnceItArrives_AndTimesOutListingWhatDid()
    {
        var waiting = _recorder.WaitForAsync<RecordedDependency>(d => d.ResultCode == "200", TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        using var response = await PostAsync("v2.1/track", Encoding.UTF8.GetBytes(RequestLine + "\n" + DependencyLine), gzip: false);

        Assert.Equal("0000000000000001", (await waiting).SpanId);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => _recorder.WaitForAsync<RecordedMetric>(_ => true, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("process interactions", timeout.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, bool gzip)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-json-stream");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return await _client.PostAsync(new Uri(new Uri(_recorder.IngestionEndpoint), path), content);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
