using System.Net;
using System.Text.Json;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;
using Serverless.Sandbox.Interactions;
using Serverless.Storage.CompanionState;
using Serverless.Storage.Queues;

namespace Serverless.EndToEnd.Tests;

/// <summary>Discord's requests through the DevHost to the real worker, queues in Azurite, answers in the Sandbox.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class InteractionFlowTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ping_IsAnsweredWithPong()
    {
        var sent = await bot.Discord.Interactions.SendPingAsync(bot.InteractionsUrl);

        Assert.Equal(200, sent.StatusCode);
        Assert.Equal("""{"type":1}""", sent.ResponseBody);
    }

    [Fact]
    public async Task Healthz_ThroughTheHost_ReportsStorageAndDiscordOk_AndTheCompanionFromItsHeartbeat()
    {
        using var client = new HttpClient();
        var heartbeats = new TableCompanionHeartbeatStore(bot.Account);
        var detail = new Uri($"{bot.Host.BaseUrl}/api/healthz/detail?code={bot.HostKey}");

        // No companion has run against this Azurite: degraded, never 503.
        using (var before = await client.GetAsync(detail))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            using var body = JsonDocument.Parse(await before.Content.ReadAsStringAsync());
            Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("ok", body.RootElement.GetProperty("storage").GetProperty("status").GetString());
            Assert.Equal("ok", body.RootElement.GetProperty("discord").GetProperty("status").GetString());
            Assert.Equal("no companion heartbeat yet", body.RootElement.GetProperty("gateway").GetProperty("detail").GetString());
            Assert.Equal("degraded", body.RootElement.GetProperty("lavalink").GetProperty("status").GetString());
        }

        await heartbeats.WriteAsync(CompanionHeartbeats.Fresh(), CancellationToken.None);

        // The probes are cached (a second here): ask until the heartbeat shows.
        JsonElement fresh = default;
        using var patience = new CancellationTokenSource(Patience);
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), patience.Token);
            using var after = await client.GetAsync(detail, patience.Token);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            using var document = JsonDocument.Parse(await after.Content.ReadAsStringAsync(patience.Token));
            fresh = document.RootElement.Clone();
        }
        while (fresh.GetProperty("status").GetString() != "ok");

        Assert.Equal("ok", fresh.GetProperty("gateway").GetProperty("status").GetString());
        Assert.Equal("ok", fresh.GetProperty("lavalink").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_Anonymous_GivesTheOverallStatusOnly_AndTheDetailNeedsAKey()
    {
        using var client = new HttpClient();

        using var anonymous = await client.GetAsync(new Uri($"{bot.Host.BaseUrl}/api/healthz"));
        using var body = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync());
        using var noKey = await client.GetAsync(new Uri($"{bot.Host.BaseUrl}/api/healthz/detail"));
        using var wrongKey = await client.GetAsync(new Uri($"{bot.Host.BaseUrl}/api/healthz/detail?code=wrong"));
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, new Uri($"{bot.Host.BaseUrl}/api/healthz/detail"));
        withHeader.Headers.Add("x-functions-key", bot.HostKey);
        using var keyed = await client.SendAsync(withHeader);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("status", Assert.Single(body.RootElement.EnumerateObject()).Name);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        using var detail = JsonDocument.Parse(await keyed.Content.ReadAsStringAsync());
        Assert.Equal("ok", detail.RootElement.GetProperty("storage").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Housekeeping_TimerRunsThroughTheHost_AndKeepsRowsWithinRetention()
    {
        var run = await bot.Host.RunTimerNowAsync("housekeeping");

        Assert.True(run.Succeeded, run.Error);
        // The worker's own log line (event 5202), as it came back over the host's stream with the invocation.
        Assert.Contains(run.Logs, line => line.Contains("finished in", StringComparison.Ordinal)
            && line.Contains("deleted 0 interactionruns, 0 ratelimits, 0 scheduledposts, 0 commandlimits rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MusicButton_IsAnsweredType6_AndQueuedOnVoiceForTheCompanion()
    {
        var sent = await bot.Discord.Interactions.SendRawAsync(CompanionHeartbeats.MusicButton("music:skip"), botUrl: bot.InteractionsUrl);

        Assert.Equal(200, sent.StatusCode);
        Assert.Equal("""{"type":6}""", sent.ResponseBody);
        var message = Assert.Single(await bot.PeekAsync(QueueNames.Voice), m => m.Contains(sent.Token, StringComparison.Ordinal));
        Assert.True(InteractionMessageCodec.TryDecode(message, out var work, out var problem), problem);
        Assert.Equal("music", work!.Invocation.CommandName);
        Assert.Equal("music:skip", work.Invocation.Options["button"]);
        Assert.DoesNotContain(await bot.PeekAsync(QueueNames.Interactions), m => m.Contains(sent.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadSignature_Is401()
    {
        var sent = await bot.Discord.Interactions.SendRawAsync(
            """{"type":1,"id":"1","application_id":"1","token":"t","version":1}""",
            new RawInteractionOptions { SignCorrectly = false },
            bot.InteractionsUrl);

        Assert.Equal(401, sent.StatusCode);
    }

    [Fact]
    public async Task PingCommand_IsAnsweredInline()
    {
        var sent = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "ping" }, bot.InteractionsUrl);

        Assert.Equal(200, sent.StatusCode);
        Assert.Equal(4, sent.ResponseType);
        Assert.StartsWith("Pong!", bot.Discord.State.GetOriginal(sent.Token)?.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_IsDeferredThenTheOriginalIsEditedWithTheStatus()
    {
        var sent = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, bot.InteractionsUrl);

        Assert.Equal(200, sent.StatusCode);
        Assert.Equal(5, sent.ResponseType);
        Assert.Equal(64, sent.ResponseJson!.Value.GetProperty("data").GetProperty("flags").GetInt32());
        await bot.Discord.WaitForCallAsync(c => c.Method == "PATCH" && c.InteractionToken == sent.Token && c.StatusCode == 200, Patience);
        var original = bot.Discord.State.GetOriginal(sent.Token)!;
        Assert.False(original.IsLoading);
        Assert.True(original.IsEphemeral);
        Assert.Contains("storage: ok", original.Content, StringComparison.Ordinal);
        Assert.Contains("discord: ok", original.Content, StringComparison.Ordinal);
        Assert.Contains("interactions-poison", original.Content, StringComparison.Ordinal);

        // Neither the interaction token nor the bot token reaches any log line of the host or the worker.
        Assert.NotEmpty(bot.Logs.Lines);
        Assert.DoesNotContain(bot.Logs.Lines, line => line.Contains(sent.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(bot.Logs.Lines, line => line.Contains(bot.Discord.BotToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SameQueueMessageDeliveredTwice_EditsTheAnswerOnce()
    {
        var sent = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, bot.InteractionsUrl);
        await bot.Discord.WaitForCallAsync(c => c.Method == "PATCH" && c.InteractionToken == sent.Token && c.StatusCode == 200, Patience);

        // The same work again, as a redelivery after a lost acknowledgement would bring it.
        var again = InteractionMessageCodec.Encode(new DeferredCommand
        {
            InteractionId = sent.InteractionId,
            ApplicationId = bot.Discord.ApplicationId,
            InteractionToken = sent.Token,
            EnqueuedAt = DateTimeOffset.UtcNow,
            Invocation = new CommandInvocation { CommandName = "status", CorrelationId = "redelivered" },
        });
        await bot.EnqueueRawAsync(QueueNames.Interactions, again);
        await bot.EnqueueRawAsync(QueueNames.Interactions, again);
        await bot.WaitUntilDrainedAsync(QueueNames.Interactions, Patience);

        Assert.Single(bot.Discord.Calls, c => c.Method == "PATCH" && c.InteractionToken == sent.Token);
        Assert.Equal(1, bot.Discord.State.GetOriginal(sent.Token)!.EditCount);
    }

    [Fact]
    public async Task UnreadableMessage_EndsInThePoisonQueue()
    {
        var marker = Guid.NewGuid().ToString("N");
        await bot.EnqueueRawAsync(QueueNames.Interactions, $$"""{"v":99,"kind":"interaction","correlationId":"{{marker}}"}""");

        var deadline = DateTime.UtcNow + Patience;
        while (!(await bot.PeekAsync(QueueNames.Poison(QueueNames.Interactions))).Any(m => m.Contains(marker, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the message never reached interactions-poison");
            await Task.Delay(200);
        }

        Assert.DoesNotContain(await bot.PeekAsync(QueueNames.Interactions), m => m.Contains(marker, StringComparison.Ordinal));
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class StorageOutageTests(OutageBotEnvironment bot) : IClassFixture<OutageBotEnvironment>
{
    [Fact]
    public async Task DeferredCommand_WhenStorageIsDown_Answers5xxInsteadOfLosingTheWork()
    {
        await bot.Azurite.StopAsync();
        try
        {
            var sent = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, bot.InteractionsUrl);

            Assert.InRange(sent.StatusCode, 500, 599);
            Assert.False(sent.DeadlineExceeded, "the 5xx must come within Discord's 3 seconds");
            var ping = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "ping" }, bot.InteractionsUrl);
            Assert.Equal(200, ping.StatusCode);
        }
        finally
        {
            await bot.Azurite.StartAgainAsync();
        }

        var recovered = await bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, bot.InteractionsUrl);
        Assert.Equal(5, recovered.ResponseType);
    }
}

/// <summary>The deferred flow again with the published ReadyToRun app, the build Azure runs.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PublishedInteractionFlowTests(PublishedFunctionApp app) : IAsyncLifetime
{
    private readonly PublishedBotEnvironment _bot = new(app);

    public Task InitializeAsync() => _bot.InitializeAsync();

    public Task DisposeAsync() => _bot.DisposeAsync();

    [SkippableFact]
    public async Task Status_WithThePublishedApp_IsDeferredThenEdited()
    {
        Skip.If(_bot.SkipReason is not null, _bot.SkipReason);

        var sent = await _bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, _bot.InteractionsUrl);

        Assert.Equal(5, sent.ResponseType);
        await _bot.Discord.WaitForCallAsync(c => c.Method == "PATCH" && c.InteractionToken == sent.Token && c.StatusCode == 200, TimeSpan.FromSeconds(30));
        var content = _bot.Discord.State.GetOriginal(sent.Token)!.Content;
        Assert.Contains("storage: ok", content, StringComparison.Ordinal);
        Assert.Contains("Companion: no companion heartbeat yet", content, StringComparison.Ordinal);
        await _bot.WaitUntilDrainedAsync(QueueNames.Interactions, TimeSpan.FromSeconds(30));
        Assert.Single(_bot.Discord.Calls, c => c.Method == "PATCH" && c.InteractionToken == sent.Token);
    }

    [SkippableFact]
    public async Task Status_WithThePublishedApp_ReadsTheCompanionHeartbeatFromTables()
    {
        Skip.If(_bot.SkipReason is not null, _bot.SkipReason);
        await new TableCompanionHeartbeatStore(_bot.Account).WriteAsync(CompanionHeartbeats.Fresh(), CancellationToken.None);

        var sent = await _bot.Discord.Interactions.SendCommandAsync(new CommandInteraction { Name = "status" }, _bot.InteractionsUrl);

        Assert.Equal(5, sent.ResponseType);
        await _bot.Discord.WaitForCallAsync(c => c.Method == "PATCH" && c.InteractionToken == sent.Token && c.StatusCode == 200, TimeSpan.FromSeconds(30));
        var content = _bot.Discord.State.GetOriginal(sent.Token)!.Content;
        Assert.Contains("Companion: last heartbeat ", content, StringComparison.Ordinal);
        Assert.Contains("gateway: 1/1 shards ready (latency 41 ms); Lavalink 4.2.2 ok; 2 players", content, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task MusicButton_WithThePublishedApp_IsQueuedOnVoice()
    {
        Skip.If(_bot.SkipReason is not null, _bot.SkipReason);

        var sent = await _bot.Discord.Interactions.SendRawAsync(CompanionHeartbeats.MusicButton("music:pause"), botUrl: _bot.InteractionsUrl);

        Assert.Equal("""{"type":6}""", sent.ResponseBody);
        var message = Assert.Single(await _bot.PeekAsync(QueueNames.Voice), m => m.Contains(sent.Token, StringComparison.Ordinal));
        Assert.True(InteractionMessageCodec.TryDecode(message, out var work, out var problem), problem);
        Assert.Equal("music:pause", work!.Invocation.Options["button"]);
    }
}

/// <summary>What the companion would write, and a click on one of its buttons.</summary>
internal static class CompanionHeartbeats
{
    public static CompanionHeartbeat Fresh() => new()
    {
        WrittenAt = DateTimeOffset.UtcNow,
        Instance = "end-to-end",
        Shards = [new ShardHeartbeat(0, "ready", 41)],
        Lavalink = "ok",
        LavalinkVersion = "4.2.2",
        ActivePlayers = 2,
    };

    /// <summary>A fresh interaction id and token each time, so one test's message is told from another's.</summary>
    public static string MusicButton(string customId)
    {
        var id = ((ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1420070400000) << 22) + (ulong)Random.Shared.Next(1 << 20);
        var token = "button-" + Guid.NewGuid().ToString("N");
        return $$$"""{"type":3,"id":"{{{id}}}","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{token}}}","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"message":{"id":"900000000000000099"},"data":{"custom_id":"{{{customId}}}","component_type":2}}""";
    }
}
