using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Serverless.DevHost.Tests.Support;
using Xunit;

namespace Serverless.DevHost.Tests;

/// <summary>
/// The DevHost against a real isolated worker (tests/DevHost.TestWorker) through the host's protocol: what the
/// functions receive is what the host would send. One started worker is shared by these tests.
/// </summary>
public sealed class GoldenTests(SharedTestWorkerFixture fixture) : IClassFixture<SharedTestWorkerFixture>
{
    private TestWorkerHost Worker => fixture.Worker;

    [Fact]
    public void Functions_AreTheOnesTheWorkerIndexed()
    {
        Assert.Equal(["echo", "keyed", "admin-only", "crash", "queue-record", "queue-fail", "timer-record"], Worker.Host.Functions.Select(function => function.Name));
        Assert.Contains($"keyed: GET {Worker.Host.BaseUrl}/api/keyed (function key)", Worker.Host.DescribeFunctions());
        Assert.NotNull(Worker.Host.WorkerProcessId);
        Assert.NotNull(Worker.Host.WorkerStartedAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(300_000)]
    public async Task Http_BinaryBody_ReachesTheFunctionByteForByte_AndComesBackUnchanged(int length)
    {
        // Bytes that are not valid UTF-8 (0xFF, 0xFE, a lone continuation byte, NUL) would not survive a text round trip.
        var body = new byte[length];
        new Random(length).NextBytes(body);
        if (length >= 7)
        {
            body[0] = 0xFF;
            body[1] = 0xFE;
            body[2] = 0x80;
            body[3] = 0x00;
        }

        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo/a/b%20c?q=1&q=2&empty=&x=%C3%A9") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-Custom", "kept as sent");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-Body-Length"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), Header(response, "X-Body-Sha256"));
        Assert.Equal("POST", Header(response, "X-Method"));
        Assert.Equal("/api/echo/a/b c", Header(response, "X-Path"));
        Assert.Equal("?q=1&q=2&empty=&x=%C3%A9", Header(response, "X-Query"));
        Assert.Equal("kept as sent", Header(response, "X-Custom-Echo"));
        Assert.Equal("application/octet-stream", Header(response, "X-Content-Type-Echo"));

        // The worker ran the invocation the DevHost correlated with the forwarded request.
        var invocationId = Header(response, "X-Invocation-Id");
        Assert.True(Guid.TryParse(invocationId, out _));
        await Worker.WaitForLogAsync(line => line.Contains($"Executed 'echo' (Succeeded, Id={invocationId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http_WorkerLogs_AppearUnderTheFunctionsCategory_WithItsNameAndInvocationId()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        using var response = await client.PostAsync("/api/echo/logged", new ByteArrayContent([1, 2, 3]));
        var invocationId = Header(response, "X-Invocation-Id")!;

        var line = await Worker.WaitForLogAsync(line => line.Contains("echo received 3 bytes", StringComparison.Ordinal) && line.Contains(invocationId, StringComparison.Ordinal));

        Assert.StartsWith("Information Function.echo[300] echo: echo received 3 bytes", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/keyed", null, HttpStatusCode.Unauthorized)]
    [InlineData("/api/keyed", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("/api/keyed", TestWorkerHost.OtherFunctionKey, HttpStatusCode.Unauthorized)]
    [InlineData("/api/keyed", TestWorkerHost.FunctionKey, HttpStatusCode.OK)]
    [InlineData("/api/keyed", TestWorkerHost.HostKey, HttpStatusCode.OK)]
    [InlineData("/api/keyed", TestWorkerHost.MasterKey, HttpStatusCode.OK)]
    [InlineData("/api/admin-only", TestWorkerHost.HostKey, HttpStatusCode.Unauthorized)]
    [InlineData("/api/admin-only", TestWorkerHost.MasterKey, HttpStatusCode.OK)]
    public async Task Http_KeyedFunctions_NeedTheirKey_BeforeAnythingReachesTheWorker(string path, string? key, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        using var query = await client.GetAsync($"{path}?code={Uri.EscapeDataString(key ?? string.Empty)}");
        Assert.Equal(expected, query.StatusCode);
    }

    [Fact]
    public async Task Http_UnknownRouteOrMethod_Is404()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/echo/x")).StatusCode);
    }

    [Fact]
    public async Task Http_TheInvocationSpan_ContinuesTheRequestsTraceparent_AsANewSpan_WithItsTracestate()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string parentSpan = "00f067aa0ba902b7";
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo/traced") { Content = new ByteArrayContent([1]) };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{parentSpan}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=abc");

        using var response = await client.SendAsync(request);

        var parts = Header(response, "X-Trace-Parent")!.Split('-');
        Assert.Equal(["00", traceId], parts[..2]);
        Assert.Matches("^[0-9a-f]{16}$", parts[2]);
        Assert.NotEqual(parentSpan, parts[2]);
        Assert.Equal("01", parts[3]);
        Assert.Equal("vendor=abc", Header(response, "X-Trace-State"));
        Assert.Equal("echo", Header(response, "X-Trace-Operation"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00-not-a-trace-01")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    public async Task Http_WithoutAValidTraceparent_EachInvocationStartsATraceOfItsOwn(string? traceparent)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        var traceIds = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo/untraced") { Content = new ByteArrayContent([1]) };
            if (traceparent is not null)
            {
                request.Headers.TryAddWithoutValidation("traceparent", traceparent);
            }

            using var response = await client.SendAsync(request);
            var value = Header(response, "X-Trace-Parent")!;
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", value);
            Assert.NotEqual("00000000000000000000000000000000", value.Split('-')[1]);
            traceIds.Add(value.Split('-')[1]);
            Assert.Equal(string.Empty, Header(response, "X-Trace-State") ?? string.Empty);
        }

        Assert.NotEqual(traceIds[0], traceIds[1]);
    }

    [Fact]
    public async Task AppSettings_ForApplicationInsights_ReachTheWorkersEnvironment()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Worker.Host.BaseUrl) };
        using var response = await client.PostAsync("/api/echo/settings", new ByteArrayContent([1]));

        Assert.Equal(TestWorkerHost.ConnectionString, Header(response, "X-AI-Connection"));
    }

    [Fact]
    public async Task Queue_FunctionSeesTheMessageAndEachMetadataField_AsTheQueueHoldsThem()
    {
        var text = """{"kind":"record","note":"héllo"}""";
        await Worker.Transport.CreateQueueIfNotExistsAsync("records", CancellationToken.None);
        await Worker.Transport.SendMessageAsync("records", TestWorkerHost.Base64(text), CancellationToken.None);

        var received = await WaitForReceivedAsync("records");
        var record = await Worker.WaitForRecordAsync("queue-" + received.MessageId);

        Assert.Equal(text, record.GetProperty("Message").GetString());
        Assert.Equal(received.MessageId, record.GetProperty("Id").GetString());
        Assert.Equal(received.DequeueCount, record.GetProperty("DequeueCount").GetInt64());
        Assert.Equal(received.PopReceipt, record.GetProperty("PopReceipt").GetString());
        Assert.Equal(received.InsertedOn, record.GetProperty("InsertionTime").GetDateTimeOffset());
        Assert.Equal(received.ExpiresOn, record.GetProperty("ExpirationTime").GetDateTimeOffset());
        Assert.Equal(received.NextVisibleOn, record.GetProperty("NextVisibleTime").GetDateTimeOffset());

        // A queue invocation is a trace of its own: the message's trace is the function's to restore.
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", record.GetProperty("TraceParent").GetString());
        await Worker.Transport.Inner.WaitUntilAsync(queues => queues.GetMessages("records").Count == 0, CancellationToken.None);
    }

    [Fact]
    public async Task Queue_FunctionThatThrows_IsTriedMaxDequeueCountTimes_ThenTheMessageGoesToPoison()
    {
        await Worker.Transport.CreateQueueIfNotExistsAsync("failing", CancellationToken.None);
        await Worker.Transport.SendMessageAsync("failing", TestWorkerHost.Base64("doomed"), CancellationToken.None);

        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        await Worker.Transport.Inner.WaitUntilAsync(queues => queues.GetMessages("failing-poison").Count == 1 && queues.GetMessages("failing").Count == 0, timeout.Token);

        // host.json says maxDequeueCount 3: three tries, each failing with the function's exception.
        Assert.Equal(TestWorkerHost.Base64("doomed"), Assert.Single(Worker.Transport.Inner.GetMessages("failing-poison")).MessageText);
        var failures = Worker.Logs.Lines.Where(line => line.Contains("Executed 'queue-fail' (Failed", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, line => Assert.Contains("queue-fail refuses 'doomed'", line, StringComparison.Ordinal));
        foreach (var attempt in new[] { 1, 2, 3 })
        {
            Assert.Contains(Worker.Logs.Lines, line => line.Contains($"Function.queue-fail[300] queue-fail: failing on try {attempt}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Timer_RunNow_SendsTimerInfo_NotPastDue_WithoutScheduleStatus_AndReturnsTheWorkersLogs()
    {
        var seen = Worker.RecordNames("timer-");

        var (succeeded, error, logs) = await Worker.Host.RunTimerNowAsync("timer-record");

        Assert.True(succeeded, error);
        Assert.Contains("timer fired, past due False", logs);
        var record = await Worker.WaitForNewRecordAsync("timer-", seen);
        Assert.False(record.GetProperty("IsPastDue").GetBoolean());
        Assert.False(record.GetProperty("HasScheduleStatus").GetBoolean());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", record.GetProperty("TraceParent").GetString());
    }

    private async Task<Queues.ReceivedQueueMessage> WaitForReceivedAsync(string queue)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            if (Worker.Transport.Received.FirstOrDefault(message => message.QueueName == queue) is { } received)
            {
                return received;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
