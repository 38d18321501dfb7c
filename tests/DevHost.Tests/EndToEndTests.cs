using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Serverless.DevHost.Tests.Support.TempFunctionApp;

namespace Serverless.DevHost.Tests;

/// <summary>The DevHost starting the fake handler (tests/DevHost.Tests/FakeHandler) as a child process, as it starts the real one.</summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DevHost_ForwardsHttpUnchanged_AndInvokesQueueAndTimerFunctionsOnTheChildHandler()
    {
        var queues = new JsonObject { ["maxPollingInterval"] = "00:00:00.2", ["maxDequeueCount"] = 2, ["visibilityTimeout"] = "00:00:00" };

        // The handler comes from host.json, as in production: `dotnet <fake handler dll>`, found on PATH.
        using var app = Create(HostJson(queues, "dotnet", TestPaths.FakeHandler))
            .WithFunction("echo", HttpIn("echo/{*rest}", "get", "post"), HttpOut())
            .WithFunction("recorded", HttpIn("recorded", "get"), HttpOut())
            .WithFunction("work", QueueIn("work-items"))
            .WithFunction("tick", TimerIn("0 0 0 1 1 *", runOnStartup: true));
        var transport = new InMemoryQueueTransport();
        await transport.CreateQueueIfNotExistsAsync("work-items", CancellationToken.None);
        await transport.SendMessageAsync("work-items", Base64("""{"v":1,"kind":"test","correlationId":"c-1"}"""), CancellationToken.None);
        await transport.SendMessageAsync("work-items", Base64("""{"v":1,"kind":"please-fail"}"""), CancellationToken.None);
        using var loggerFactory = XunitLoggerProvider.CreateFactory(output);

        await using var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = app.Root,
            Port = 0,
            Settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["MY_SETTING"] = "from-options" },
            QueueTransportFactory = connectionString => connectionString == "UseDevelopmentStorage=true" ? transport : throw new InvalidOperationException(connectionString),
            LoggerFactory = loggerFactory,
        });
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", host.BaseUrl);
        Assert.Equal(["echo", "recorded", "tick", "work"], host.Functions.Select(function => function.Name));
        Assert.Contains($"echo: GET,POST {host.BaseUrl}/api/echo/{{*rest}}", host.DescribeFunctions());

        // HTTP: method, raw path and query, headers and body bytes reach the handler; its answer comes back as it was.
        byte[] body = [0, 1, 2, 255, 10, 13];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/echo/a%20b/c?x=1&y=%2F") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-Custom", "hello");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Echo").Single());
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("POST", echo["method"]!.GetValue<string>());
        Assert.Equal("/api/echo/a%20b/c?x=1&y=%2F", echo["rawTarget"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(body), echo["body"]!.GetValue<string>());
        Assert.Equal("hello", echo["headers"]!["X-CUSTOM"]!.GetValue<string>());
        Assert.Equal("application/octet-stream", echo["headers"]!["CONTENT-TYPE"]!.GetValue<string>());
        Assert.Equal(new Uri(host.BaseUrl).Authority, echo["headers"]!["HOST"]!.GetValue<string>());
        Assert.True(Guid.TryParse(echo["headers"]!["X-AZURE-FUNCTIONS-INVOCATIONID"]!.GetValue<string>(), out _));
        Assert.Equal("from-options", echo["setting"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/recorded")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/echo/not-under-the-route-prefix")).StatusCode);

        // Queue: the good message is handled and deleted; the failing one is tried twice, then poisoned.
        using var wait = new CancellationTokenSource(TestTimeouts.Signal);
        await transport.WaitUntilAsync(queues => queues.GetMessages("work-items").Count == 0 && queues.GetMessages("work-items-poison").Count == 1, wait.Token);
        Assert.Equal(Base64("""{"v":1,"kind":"please-fail"}"""), transport.GetMessages("work-items-poison")[0].MessageText);

        // Timer: runOnStartup fired once. Everything the handler got is readable through a forwarded route.
        var recorded = await WaitForRecordedAsync(client, entries => entries.Any(entry => entry.Function == "tick"));
        var work = recorded.Where(entry => entry.Function == "work").ToList();
        Assert.Equal(3, work.Count);
        Assert.All(recorded, entry => Assert.True(Guid.TryParse(entry.InvocationId, out _)));
        Assert.All(recorded, entry => Assert.Equal("application/json; charset=utf-8", entry.ContentType));

        var handled = work.Single(entry => entry.Payload.Contains("c-1", StringComparison.Ordinal)).Json;
        Assert.Equal("\"{\\\"v\\\":1,\\\"kind\\\":\\\"test\\\",\\\"correlationId\\\":\\\"c-1\\\"}\"", handled.GetProperty("Data").GetProperty("message").GetString());
        Assert.Equal("1", handled.GetProperty("Metadata").GetProperty("DequeueCount").GetString());
        Assert.Equal("\"test\"", handled.GetProperty("Metadata").GetProperty("kind").GetString());
        Assert.Equal("work", handled.GetProperty("Metadata").GetProperty("sys").GetProperty("MethodName").GetString());

        var tick = recorded.Single(entry => entry.Function == "tick").Json.GetProperty("Data").GetProperty("timer");
        Assert.False(tick.GetProperty("IsPastDue").GetBoolean());
        Assert.Equal("0001-01-01T00:00:00", tick.GetProperty("ScheduleStatus").GetProperty("Last").GetString());

        await host.StopAsync();
        Assert.True(host.HandlerExited.IsCompleted);
    }

    [Fact]
    public async Task Handler_ThatExitsBeforeItAnswers_FailsStartWithItsExitCodeAndLastStderrLine()
    {
        using var app = Create(HostJson()).WithFunction("tick", TimerIn("0 0 * * * *"));

        var error = await Assert.ThrowsAsync<DevHostException>(() => FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = app.Root,
            HandlerCommand = "dotnet",
            HandlerArguments = [TestPaths.FakeHandler, "--exit-with", "3"],
            Port = 0,
        }));

        Assert.StartsWith("The handler exited with code 3 before it answered HTTP", error.Message, StringComparison.Ordinal);
        Assert.Contains("fake handler: refusing to start on purpose", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handler_ThatDiesWhileRunning_MakesHttpTriggersAnswer502_AndCompletesHandlerExited()
    {
        using var app = Create(HostJson())
            .WithFunction("crash", HttpIn("crash", "get"), HttpOut())
            .WithFunction("echo", HttpIn("echo/{*rest}"), HttpOut());
        using var loggerFactory = XunitLoggerProvider.CreateFactory(output);
        await using var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = app.Root,
            HandlerCommand = "dotnet",
            HandlerArguments = [TestPaths.FakeHandler],
            Port = 0,
            LoggerFactory = loggerFactory,
        });
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        using (await client.GetAsync("/api/crash"))
        {
            // The handler exits while answering; whatever came back does not matter.
        }

        Assert.Equal(7, await host.HandlerExited.WaitAsync(TestTimeouts.Signal));
        using var response = await client.GetAsync("/api/echo/anything");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("the handler could not be reached for function 'echo'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<List<Recorded>> WaitForRecordedAsync(HttpClient client, Func<List<Recorded>, bool> done)
    {
        // The handler is a separate process: poll its record, within the usual safety limit.
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            var entries = JsonNode.Parse(await client.GetStringAsync("/api/recorded", timeout.Token))!.AsArray()
                .Select(entry => new Recorded(
                    entry!["function"]!.GetValue<string>(),
                    entry["invocationId"]!.GetValue<string>(),
                    entry["contentType"]!.GetValue<string>(),
                    entry["payload"]!.GetValue<string>()))
                .ToList();
            if (done(entries))
            {
                return entries;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    private sealed record Recorded(string Function, string InvocationId, string ContentType, string Payload)
    {
        public JsonElement Json => JsonDocument.Parse(Payload).RootElement.Clone();
    }
}
