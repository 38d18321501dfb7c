using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>The interaction-worker queue function, invoked with payloads shaped like the real Functions host's.</summary>
public sealed class InteractionWorkerTests : IAsyncLifetime
{
    private const string Token = "aW50ZXJhY3Rpb24tdG9rZW4";
    private readonly InMemoryLedger _ledger = new();
    private readonly CannedDiscordHandler _discord = new();
    private HandlerTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.OK, """{"id":"1400000000000000001","channel_id":"900000000000000002","content":"done"}""");
        _discord.Answer("GET", "/users/@me", HttpStatusCode.OK, """{"id":"100000000000000001","username":"Serverless Bot","bot":true}""");
        _host = await HandlerTestHost.StartAsync(
            new Dictionary<string, string?> { ["Discord:BotToken"] = "test-bot-token", ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10" },
            services =>
            {
                services.AddSingleton<IInteractionLedger>(_ledger);
                services.AddSingleton<IStorageStatusProbe>(new HealthyStorage());
                services.AddSingleton<IBotCommand>(new VerboseDeferredCommand());
                services.AddHttpClient("discord").ConfigurePrimaryHttpMessageHandler(() => _discord);

                // The client's own retries back off on the host's fake clock, which these tests do not move;
                // one attempt lets a 5xx reach the worker, whose answer is what is tested here.
                services.Configure<DiscordRateLimitOptions>(options => options.MaxAttempts = 1);
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _discord.Dispose();
    }

    [Fact]
    public async Task GoldenSample_IsReadThroughTheHostsDoubleEncoding()
    {
        // The sample's message is a valid envelope lacking our own fields: refused for what it lacks,
        // which proves the doubly encoded text was decoded down to the envelope.
        var sample = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Samples", "functions-host", "queue-invocation.json"));

        using var response = await PostAsync(sample);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var logs = await ReadLogsAsync(response);
        Assert.Contains(logs, line => line.Contains("lacks interactionId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusMessage_EditsTheOriginalResponseWithoutMentions()
    {
        using var response = await PostAsync(Invocation(Message(interactionAge: TimeSpan.FromSeconds(5))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var edit = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        Assert.Equal($"/api/v10/webhooks/100000000000000001/{Token}/messages/@original", edit.Path);
        Assert.Null(edit.Authorization);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Contains("discord: ok (as Serverless Bot)", body.RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Empty(body.RootElement.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
        var me = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Get);
        Assert.Equal("Bot test-bot-token", me.Authorization);
    }

    [Fact]
    public async Task SameMessageTwice_EditsOnce()
    {
        var payload = Invocation(Message(interactionAge: TimeSpan.FromSeconds(5)));

        using var first = await PostAsync(payload);
        using var second = await PostAsync(payload);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
    }

    [Fact]
    public async Task MessageOlderThanTheTokenDeadline_IsDroppedNotRetried()
    {
        using var response = await PostAsync(Invocation(Message(interactionAge: TimeSpan.FromMinutes(14.5))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_discord.Requests);
        Assert.Contains(await ReadLogsAsync(response), line => line.Contains("too old", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"v":2,"kind":"interaction"}""", "unknown message version or kind: v=2")]
    [InlineData("""{"v":1,"kind":"post"}""", "unknown message version or kind: v=1, kind=post")]
    [InlineData("""{"v":1,"kind":""", "not valid JSON")]
    public async Task UnreadableMessage_FailsTheInvocationSayingWhy(string message, string reason)
    {
        using var response = await PostAsync(Invocation(message));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(await ReadLogsAsync(response), line => line.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(_discord.Requests);
    }

    [Fact]
    public async Task DiscordForgotTheInteraction_IsDroppedNotRetried()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.NotFound, """{"message":"Unknown interaction","code":10062}""");

        using var response = await PostAsync(Invocation(Message(interactionAge: TimeSpan.FromSeconds(5))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_ledger.Completed);
    }

    [Fact]
    public async Task DiscordServerError_FailsTheInvocationForARetry()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.BadGateway, """{"message":"bad gateway"}""");

        using var response = await PostAsync(Invocation(Message(interactionAge: TimeSpan.FromSeconds(5))));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(_ledger.Completed);
        Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyLongerThanDiscordAllows_IsShortenedInTheEdit()
    {
        using var response = await PostAsync(Invocation(Message(interactionAge: TimeSpan.FromSeconds(5), command: VerboseDeferredCommand.Name)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var edit = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Equal(new string('w', 1999) + "…", body.RootElement.GetProperty("content").GetString());
        Assert.Single(_ledger.Completed);
    }

    private string Message(TimeSpan interactionAge, string command = "status")
    {
        var created = _host.Time.GetUtcNow() - interactionAge;
        var interactionId = (ulong)(created.ToUnixTimeMilliseconds() - 1420070400000) << 22;
        return InteractionMessageCodec.Encode(new DeferredCommand
        {
            InteractionId = interactionId,
            ApplicationId = 100000000000000001,
            InteractionToken = Token,
            EnqueuedAt = created,
            Invocation = new CommandInvocation { CommandName = command, CorrelationId = "0f8fad5bd9cb469fa16570867728950e", GuildId = 900000000000000001 },
        });
    }

    /// <summary>Wraps a message as the real host does: JSON-encoded twice, metadata as strings, fields promoted.</summary>
    private static string Invocation(string message)
    {
        var metadata = new JsonObject
        {
            ["DequeueCount"] = "1",
            ["Id"] = "\"6c3a1f0e-2a7b-4c1e-9a55-1d2e3f4a5b6c\"",
            ["sys"] = new JsonObject { ["MethodName"] = "interaction-worker", ["UtcNow"] = "2026-11-24T12:00:00Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = JsonSerializer.Serialize(message) },
            ["Metadata"] = metadata,
        }.ToJsonString();
    }

    private Task<HttpResponseMessage> PostAsync(string payload) =>
        _host.Client.PostAsync(new Uri("/interaction-worker", UriKind.Relative), new StringContent(payload, System.Text.Encoding.UTF8, "application/json"));

    private static async Task<List<string>> ReadLogsAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.TryGetProperty("Outputs", out _));
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("ReturnValue").ValueKind);
        return [.. document.RootElement.GetProperty("Logs").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A deferred command whose answer is longer than Discord accepts.</summary>
    private sealed class VerboseDeferredCommand : IBotCommand
    {
        public const string Name = "verbose";

        public CommandDefinition Definition { get; } = new() { Name = Name, Description = "Test-only: answers too much", ResponseMode = CommandResponseMode.Deferred };

        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CommandReply(new string('w', 3000), Ephemeral: false));
    }

    private sealed class HealthyStorage : IStorageStatusProbe
    {
        public Task<StorageStatus> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(3), [new QueueDepth("interactions", 0)]));
    }
}
