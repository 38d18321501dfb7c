using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Hosting;
using Serverless.Functions.Interactions;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>The interaction-worker queue function, run through its <c>[Function]</c> adapter with the message text the host binds.</summary>
public sealed class InteractionWorkerTests : IAsyncLifetime
{
    private const string Token = "aW50ZXJhY3Rpb24tdG9rZW4";
    private readonly InMemoryLedger _ledger = new();
    private readonly CannedDiscordHandler _discord = new();
    private readonly RecordingPoisonQueue _poison = new();
    private FunctionTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.OK, """{"id":"1400000000000000001","channel_id":"900000000000000002","content":"done"}""");
        _discord.Answer("GET", "/users/@me", HttpStatusCode.OK, """{"id":"100000000000000001","username":"Serverless Bot","bot":true}""");
        _host = await FunctionTestHost.StartAsync(
            new Dictionary<string, string?> { ["Discord:BotToken"] = "test-bot-token", ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10" },
            services =>
            {
                services.AddSingleton<IInteractionLedger>(_ledger);
                services.AddSingleton<IPoisonQueue>(_poison);
                services.AddSingleton<IStorageStatusProbe>(new HealthyStorage());
                services.AddFeature(new SingleCommandFeature<VerboseDeferredCommand>(VerboseDeferredCommand.Definition, new VerboseDeferredCommand()));
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
    public async Task StatusMessage_EditsTheOriginalResponseWithoutMentions()
    {
        await RunAsync(Message(interactionAge: TimeSpan.FromSeconds(5)));

        var edit = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        Assert.Equal($"/api/v10/webhooks/100000000000000001/{Token}/messages/@original", edit.Path);
        Assert.Null(edit.Authorization);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Contains("discord: ok (as Serverless Bot)", body.RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Empty(body.RootElement.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
        var me = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Get);
        Assert.Equal("Bot test-bot-token", me.Authorization);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2006);
    }

    [Fact]
    public async Task SameMessageTwice_EditsOnce()
    {
        var message = Message(interactionAge: TimeSpan.FromSeconds(5));

        await RunAsync(message);
        await RunAsync(message);

        Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2003);
    }

    [Fact]
    public async Task MessageOlderThanTheTokenDeadline_IsDroppedNotRetried()
    {
        await RunAsync(Message(interactionAge: TimeSpan.FromMinutes(14.5)));

        Assert.Empty(_discord.Requests);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2002 && entry.Message.Contains("14.5 minutes old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmokeProbe_IsTakenOffTheQueue_WithOneLogLineAndNothingElse()
    {
        await RunAsync(SmokeProbeMessage.Encode("0f8fad5bd9cb469fa16570867728950e", DateTimeOffset.UnixEpoch));

        Assert.Empty(_discord.Requests);
        Assert.Empty(_ledger.Completed);
        var line = Assert.Single(_host.Logs.Entries, entry => entry.Id.Id == 2008);
        Assert.Contains("0f8fad5bd9cb469fa16570867728950e", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Entries, entry => entry.Id.Id == 2001);
        Assert.Empty(_poison.Sent);
    }

    [Theory]
    [InlineData("""{"v":2,"kind":"smoke","correlationId":"abc"}""")]
    [InlineData("""{"v":1,"kind":"smoke"}""")]
    [InlineData("""{"v":1,"kind":"smoke","correlationId":"a\nforged log line"}""")]
    public async Task SmokeProbe_NotOfThisShape_IsRefusedLikeAnyUnreadableMessage(string message)
    {
        await RunAsync(message);

        Assert.DoesNotContain(_host.Logs.Entries, entry => entry.Id.Id == 2008);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2001);
        Assert.Equal(("interactions", message), Assert.Single(_poison.Sent));
    }

    [Theory]
    [InlineData("""{"v":2,"kind":"interaction"}""", "unknown message version or kind: v=2")]
    [InlineData("""{"v":1,"kind":"post"}""", "unknown message version or kind: v=1, kind=post")]
    [InlineData("""{"v":1,"kind":""", "not valid JSON")]
    public async Task UnreadableMessage_GoesToThePoisonQueueAtOnce_Verbatim_LoggingWhy(string message, string reason)
    {
        // Completes rather than failing the invocation: no delivery could read it, so it is not retried first.
        await RunAsync(message);

        var poisoned = Assert.Single(_poison.Sent);
        Assert.Equal(("interactions", message), poisoned);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2001 && entry.Message.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(_discord.Requests);
        Assert.Empty(_ledger.Completed);
    }

    [Fact]
    public async Task DiscordForgotTheInteraction_IsDroppedNotRetried()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.NotFound, """{"message":"Unknown interaction","code":10062}""");

        await RunAsync(Message(interactionAge: TimeSpan.FromSeconds(5)));

        Assert.Empty(_ledger.Completed);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2004);
    }

    [Fact]
    public async Task DiscordServerError_FailsTheInvocationForARetry_WithoutTheToken()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.BadGateway, """{"message":"bad gateway"}""");

        var failure = await Assert.ThrowsAsync<FunctionRunFailedException>(() => RunAsync(Message(interactionAge: TimeSpan.FromSeconds(5))));

        Assert.Equal(InteractionWorker.FunctionName, failure.FunctionName);
        Assert.StartsWith("interaction-worker failed: ", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_ledger.Completed);
        Assert.Empty(_poison.Sent);
        Assert.Contains(_host.Logs.Entries, entry => entry.Id.Id == 2005);
        Assert.Contains("0f8fad5bd9cb469fa16570867728950e", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("test-bot-token", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyLongerThanDiscordAllows_IsShortenedInTheEdit()
    {
        await RunAsync(Message(interactionAge: TimeSpan.FromSeconds(5), command: VerboseDeferredCommand.Name));

        var edit = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Equal(new string('w', 1999) + "…", body.RootElement.GetProperty("content").GetString());
        Assert.Single(_ledger.Completed);
    }

    [Fact]
    public async Task CompanionWork_ReachingTheFunctionsWorker_IsAnsweredWithAClearFallback()
    {
        await RunAsync(Message(interactionAge: TimeSpan.FromSeconds(5), command: "music"));

        var edit = Assert.Single(_discord.Requests, r => r.Method == HttpMethod.Patch);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Equal(InteractionWorker.NotHandledHere, body.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public async Task ARefusedCommand_EditsItsThinkingAnswer_WithTheMessage()
    {
        var worker = _host.App.Services.GetRequiredService<InteractionWorker>();

        await worker.AnswerRefusedAsync(Refused(new Dictionary<string, string>()), "The status feature is turned off right now.", CancellationToken.None);

        var edit = Assert.Single(_discord.Requests);
        Assert.Equal(HttpMethod.Patch, edit.Method);
        Assert.Equal($"/api/v10/webhooks/100000000000000001/{Token}/messages/@original", edit.Path);
        using var body = JsonDocument.Parse(edit.Body!);
        Assert.Equal("The status feature is turned off right now.", body.RootElement.GetProperty("content").GetString());
        Assert.Empty(body.RootElement.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
    }

    [Fact]
    public async Task ARefusedClick_LeavesTheClickedMessageAlone_AndFollowsUpEphemeral()
    {
        _discord.Answer("POST", $"/webhooks/100000000000000001/{Token}", HttpStatusCode.OK, """{"id":"1400000000000000002","channel_id":"900000000000000002","content":"x"}""");
        var worker = _host.App.Services.GetRequiredService<InteractionWorker>();

        await worker.AnswerRefusedAsync(Refused(new Dictionary<string, string> { [InteractionRoute.ComponentOption] = "music:skip" }), "The music feature is turned off right now.", CancellationToken.None);

        var followUp = Assert.Single(_discord.Requests);
        Assert.Equal(HttpMethod.Post, followUp.Method);
        Assert.Equal($"/api/v10/webhooks/100000000000000001/{Token}", followUp.Path);
        using var body = JsonDocument.Parse(followUp.Body!);
        Assert.Equal("The music feature is turned off right now.", body.RootElement.GetProperty("content").GetString());
        Assert.Equal(64, body.RootElement.GetProperty("flags").GetInt32());
    }

    private DeferredCommand Refused(Dictionary<string, string> options) => new()
    {
        InteractionId = 1312345678901234568,
        ApplicationId = 100000000000000001,
        InteractionToken = Token,
        EnqueuedAt = _host.Time.GetUtcNow(),
        Invocation = new CommandInvocation { CommandName = "music", CorrelationId = "c1", GuildId = 900000000000000001, Options = options },
    };

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

    /// <summary>One delivery of the message text, as the host binds it after decoding the queue message.</summary>
    private Task RunAsync(string message) =>
        _host.RunAsync<InteractionWorkerFunction>(function => function.RunAsync(message, CancellationToken.None));

    /// <summary>A deferred command whose answer is longer than Discord accepts.</summary>
    private sealed class VerboseDeferredCommand : ICommandHandler
    {
        public const string Name = "verbose";

        public static CommandDefinition Definition { get; } = new() { Name = Name, Description = "Test-only: answers too much", ResponseMode = CommandResponseMode.Deferred };

        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CommandReply(new string('w', 3000), Ephemeral: false));
    }

    private sealed class RecordingPoisonQueue : IPoisonQueue
    {
        private readonly List<(string Queue, string Text)> _sent = [];

        public IReadOnlyList<(string Queue, string Text)> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public Task SendAsync(string queue, string messageText, CancellationToken cancellationToken)
        {
            lock (_sent)
            {
                _sent.Add((queue, messageText));
            }

            return Task.CompletedTask;
        }
    }

    private sealed class HealthyStorage : IStorageStatusProbe
    {
        public Task<StorageStatus> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(3), [new QueueDepth("interactions", 0)]));
    }
}
