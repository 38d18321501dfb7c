using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Serverless.Ops.Commands.Smoke;
using Serverless.Sandbox.Hosting;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Tests;

/// <summary>
/// <c>smoke</c>'s steps over canned HTTP answers, its usage errors, and a run against a URL where nothing listens.
/// The local stack's healthy, Discord-down, storage-down and drift runs are in the EndToEnd tests.
/// </summary>
public sealed class SmokeCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly Uri App = new("http://app.test/");

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"status":"ok"}""", true, "200 ok")]
    [InlineData(HttpStatusCode.OK, """{"status":"degraded"}""", true, "200 degraded")]
    [InlineData(HttpStatusCode.ServiceUnavailable, """{"status":"fail"}""", false, "503 fail")]
    [InlineData(HttpStatusCode.OK, "<html>a proxy's page</html>", false, "200 (no status in the answer)")]
    [InlineData(HttpStatusCode.NotFound, "", false, "404 (no status in the answer)")]
    public async Task Health_PassesOnlyOn200OkOrDegraded(HttpStatusCode status, string body, bool passes, string summary)
    {
        using var handler = new CannedHandler(request => request.RequestUri!.AbsolutePath == "/api/healthz" ? Answer(status, body) : Answer(HttpStatusCode.NotFound, ""));

        var outcome = await Checks(handler).HealthAsync(functionKey: null, CancellationToken.None);

        Assert.Equal(passes, outcome.Passed);
        Assert.Equal(summary, outcome.Summary);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Health_NotOk_WithAKey_NamesWhatIsDown_FromTheDetailRoute()
    {
        using var handler = new CannedHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/api/healthz" => Answer(HttpStatusCode.ServiceUnavailable, """{"status":"fail"}"""),
            "/api/healthz/detail" when request.Headers.TryGetValues("x-functions-key", out var keys) && keys.Single() == "k1" =>
                Answer(HttpStatusCode.ServiceUnavailable, """{"status":"fail","storage":{"status":"unreachable","detail":"connection refused"},"discord":{"status":"ok"},"gateway":{"status":"degraded"}}"""),
            _ => Answer(HttpStatusCode.Unauthorized, ""),
        });

        var outcome = await Checks(handler).HealthAsync("k1", CancellationToken.None);

        Assert.False(outcome.Passed);
        Assert.Equal("503 fail: storage unreachable (connection refused); gateway degraded", outcome.Summary);
    }

    [Fact]
    public async Task Signature_SendsAWrongAndAMissingSignature_AndPassesOnTwo401s()
    {
        using var handler = new CannedHandler(_ => Answer(HttpStatusCode.Unauthorized, "invalid request signature"));

        var outcome = await Checks(handler).SignatureAsync(CancellationToken.None);

        Assert.True(outcome.Passed, outcome.Summary);
        Assert.Equal("bad signature 401, no signature 401", outcome.Summary);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, request => Assert.Equal("POST /api/interactions", $"{request.Method} {request.RequestUri!.AbsolutePath}"));
        Assert.Equal(new string('0', 128), handler.Requests[0].Headers.GetValues("X-Signature-Ed25519").Single());
        Assert.Equal("1796214600", handler.Requests[0].Headers.GetValues("X-Signature-Timestamp").Single());
        Assert.False(handler.Requests[1].Headers.Contains("X-Signature-Ed25519"));
        Assert.False(handler.Requests[1].Headers.Contains("X-Signature-Timestamp"));
    }

    [Fact]
    public async Task Signature_AnEndpointThatAcceptsAnUnsignedRequest_Fails()
    {
        using var handler = new CannedHandler(request => request.Headers.Contains("X-Signature-Ed25519")
            ? Answer(HttpStatusCode.Unauthorized, "")
            : Answer(HttpStatusCode.OK, """{"type":1}"""));

        var outcome = await Checks(handler).SignatureAsync(CancellationToken.None);

        Assert.False(outcome.Passed);
        Assert.StartsWith("bad signature 401, no signature 200 (401 expected for both", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_IsTimed_AndAnUnreachableServiceIsItsLine()
    {
        var time = new FakeTimeProvider();
        var passed = await SmokeCommand.RunStepAsync("healthz", _ =>
        {
            time.Advance(TimeSpan.FromMilliseconds(84));
            return Task.FromResult(SmokeStepOutcome.Pass("200 ok"));
        }, time, CancellationToken.None);
        var failed = await SmokeCommand.RunStepAsync("drift", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(2.5));
            throw new HttpRequestException("Connection refused (discord.test:443)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        }, time, CancellationToken.None);

        Assert.Equal("\u2714 healthz 200 ok (84 ms)", passed.Format(ascii: false));
        Assert.Equal("PASS healthz 200 ok (84 ms)", passed.Format(ascii: true));
        Assert.Equal("\u2718 drift unreachable: Connection refused (2.5 s)", failed.Format(ascii: false));
        Assert.Equal("FAIL drift unreachable: Connection refused (2.5 s)", failed.Format(ascii: true));
    }

    [Fact]
    public async Task Step_AnUnexpectedException_IsNotSwallowed()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => SmokeCommand.RunStepAsync(
            "queue", _ => throw new InvalidOperationException("a bug"), TimeProvider.System, CancellationToken.None));
    }

    [Theory]
    [InlineData(new[] { "smoke" }, "Option '--url' is required.")]
    [InlineData(new[] { "smoke", "--url", "app.test" }, "--url must be the function app's http(s) base URL without a query, not 'app.test'.")]
    [InlineData(new[] { "smoke", "--url", "http://app.test", "--timeout", "0" }, "--timeout must be a positive number of seconds.")]
    public async Task Usage_IsExit2_WithOneLine(string[] args, string expected)
    {
        var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal(expected, run.ErrorLines[0]);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task MissingDiscordSettings_IsExit2_BeforeAnyStep()
    {
        var run = await OpsRun.RunAsync(OpsRun.EnvironmentFor(azurite.Server), "smoke", "--url", "http://127.0.0.1:1");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Contains("Discord", run.ErrorLines.Single(), StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task NothingListening_FailsEveryEndpointStep_AndTakesItsUnreadProbeBack()
    {
        var queue = azurite.Account.Queues.GetQueueClient(QueueNames.Interactions);
        await queue.DeleteIfExistsAsync();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var environment = OpsRun.EnvironmentFor(sandbox);
        environment["Discord__ApiBaseUrl"] = "http://127.0.0.1:1/api/v10";
        foreach (var (name, value) in OpsRun.EnvironmentFor(azurite.Server))
        {
            environment[name] = value;
        }

        var run = await OpsRun.RunAsync(environment, "smoke", "--url", "http://127.0.0.1:1", "--timeout", "1");

        Assert.True(run.ExitCode == ExitCodes.SmokeFailed, run.ToString());
        Assert.Matches(@"^FAIL healthz unreachable: .+ \(\d+ ms\)$", run.OutputLines[0]);
        Assert.StartsWith("FAIL signature unreachable: ", run.OutputLines[1], StringComparison.Ordinal);
        Assert.StartsWith("FAIL drift unreachable: ", run.OutputLines[2], StringComparison.Ordinal);
        Assert.Matches(@"^FAIL queue probe [0-9a-f]{32} not taken from interactions within 1 s: is the interaction worker running\? \(", run.OutputLines[3]);
        Assert.Equal("Smoke check failed: healthz, signature, drift, queue.", run.OutputLines[^1]);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task NothingListening_AsJson_IsOneDocumentWithEveryStep()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var environment = OpsRun.EnvironmentFor(sandbox);
        environment["Discord__ApiBaseUrl"] = "http://127.0.0.1:1/api/v10";
        foreach (var (name, value) in OpsRun.EnvironmentFor(azurite.Server))
        {
            environment[name] = value;
        }

        var run = await OpsRun.RunAsync(environment, "smoke", "--url", "http://127.0.0.1:1", "--timeout", "1", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.SmokeFailed, run.ToString());
        var result = run.Json();
        Assert.False(result.GetProperty("passed").GetBoolean());
        var steps = result.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal([SmokeCommand.Health, SmokeCommand.Signature, SmokeCommand.Drift, SmokeCommand.Queue], steps.Select(step => step.GetProperty("name").GetString()));
        Assert.All(steps, step => Assert.False(step.GetProperty("passed").GetBoolean()));
        Assert.StartsWith("unreachable: ", steps[0].GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    private static EndpointChecks Checks(CannedHandler handler) =>
        new(new HttpClient(handler, disposeHandler: false), App, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1796214600)));

    private static HttpResponseMessage Answer(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class CannedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(answer(request));
        }
    }
}
