using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Tests;

public sealed partial class JobsCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 30, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("ops-jobs-tests-").FullName;

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    /// <summary>Every test starts with no posts queue: <c>jobs send</c> must create it.</summary>
    public async Task InitializeAsync() => await azurite.Account.Queues.GetQueueClient(QueueNames.Posts).DeleteIfExistsAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Send_AsJson_PrintsTheQueueAndCorrelationId()
    {
        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "posts", "--json", """{"kind":"post","postId":"p2"}""", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var job = await ReceiveSingleAsync();
        Assert.Equal("posts", run.Json().GetProperty("queue").GetString());
        Assert.Equal(job.GetProperty("correlationId").GetString(), run.Json().GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Send_EnqueuesTheObject_WithCorrelationIdVersionAndEnqueuedAt()
    {
        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "posts", "--json", """{"kind":"post","postId":"p1"}""");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var job = await ReceiveSingleAsync();
        var correlationId = job.GetProperty("correlationId").GetString()!;
        Assert.Matches(HexId(), correlationId);
        Assert.Equal($"Sent job {correlationId} to posts.", run.OutputLines.Single());
        Assert.Equal("post", job.GetProperty("kind").GetString());
        Assert.Equal("p1", job.GetProperty("postId").GetString());
        Assert.Equal(1, job.GetProperty("v").GetInt32());
        Assert.Equal("2026-11-24T12:30:00Z", job.GetProperty("enqueuedAt").GetString());
        Assert.Equal(["kind", "postId", "correlationId", "v", "enqueuedAt"], job.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task Send_ReplacesAGivenCorrelationId_AndKeepsAGivenVersionAndTime()
    {
        var run = await OpsRun.RunAsync(
            _time, Environment, "jobs", "send", "posts", "--json", """{"v":2,"correlationId":"mine","enqueuedAt":"2020-01-01T00:00:00Z"}""");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var job = await ReceiveSingleAsync();
        Assert.Matches(HexId(), job.GetProperty("correlationId").GetString()!);
        Assert.Equal(2, job.GetProperty("v").GetInt32());
        Assert.Equal("2020-01-01T00:00:00Z", job.GetProperty("enqueuedAt").GetString());
    }

    [Fact]
    public async Task Send_ReadsAtFile()
    {
        var file = Path.Combine(_directory, "job.json");
        await File.WriteAllTextAsync(file, """{ "kind": "post", "postId": "p2" }""");

        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "posts", "--json", "@" + file);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("p2", (await ReceiveSingleAsync()).GetProperty("postId").GetString());
    }

    [Theory]
    [InlineData("""{"kind":""", "--json is not valid JSON: ")]
    [InlineData("""[{"kind":"post"}]""", "--json must be a JSON object, not an array.")]
    [InlineData("null", "--json must be a JSON object, not null.")]
    [InlineData("""{"a":1,"a":2}""", "--json is not valid JSON: ")]
    public async Task Send_RejectsAnythingButAJsonObject_InOneLine(string json, string expected)
    {
        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "posts", "--json", json);

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith(expected, run.ErrorLines.Single(), StringComparison.Ordinal);
        Assert.False(await azurite.Account.Queues.GetQueueClient(QueueNames.Posts).ExistsAsync());
    }

    [Fact]
    public async Task Send_MissingFile_ExitsTwo()
    {
        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "posts", "--json", "@" + Path.Combine(_directory, "absent.json"));

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith("Cannot read ", run.ErrorLines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_UnknownQueue_ExitsTwoListingTheWorkQueues()
    {
        var run = await OpsRun.RunAsync(_time, Environment, "jobs", "send", "postz", "--json", "{}");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("Unknown queue 'postz': use one of interactions, posts, voice, projections.", run.ErrorLines.Single());
    }

    [Fact]
    public async Task Send_MissingStorageSetting_ExitsTwoNamingIt()
    {
        var run = await OpsRun.RunAsync(_time, new Dictionary<string, string?>(), "jobs", "send", "posts", "--json", "{}");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith("AzureWebJobsStorage is missing", run.ErrorLines.Single(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> ReceiveSingleAsync()
    {
        var message = Assert.Single((await azurite.Account.Queues.GetQueueClient(QueueNames.Posts).ReceiveMessagesAsync(maxMessages: 32)).Value);
        using var document = JsonDocument.Parse(message.Body.ToString());
        return document.RootElement.Clone();
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();
}
