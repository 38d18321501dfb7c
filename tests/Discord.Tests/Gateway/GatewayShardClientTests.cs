using System.Text.Json;
using Serverless.Discord.Gateway;
using Serverless.Ports.Sessions;

namespace Serverless.Discord.Tests.Gateway;

public sealed class GatewayShardClientTests
{
    [Fact]
    public async Task Connect_UsesGatewayUrlWithVersionAndEncoding_AndIdentifiesWithTokenIntentsAndShard()
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());

        var (connection, identify) = await harness.ConnectAndIdentifyAsync();

        Assert.Equal("wss://gateway.test/?v=10&encoding=json", connection.Url.ToString());
        Assert.Equal(GatewayHarness.Token, identify.Data.GetProperty("token").GetString());
        Assert.Equal(129, identify.Data.GetProperty("intents").GetInt32());
        Assert.Equal([0, 1], identify.Data.GetProperty("shard").EnumerateArray().Select(value => value.GetInt32()));
        Assert.Equal("serverless-discord-bot", identify.Data.GetProperty("properties").GetProperty("browser").GetString());
        Assert.False(string.IsNullOrEmpty(identify.Data.GetProperty("properties").GetProperty("os").GetString()));
    }

    [Fact]
    public async Task Ready_StoresSessionAndBotUser_AndShardBecomesReady()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        harness.Start(shard);

        await harness.ReadyAsync();

        Assert.Equal(GatewayShardState.Ready, shard.State);
        Assert.Equal(1234567890123456789UL, shard.BotUserId);
        var saved = harness.Store[0];
        Assert.NotNull(saved);
        Assert.Equal(GatewayHarness.SessionId, saved.SessionId);
        Assert.Equal(GatewayHarness.ResumeUrl, saved.ResumeGatewayUrl);
        Assert.Equal(1, saved.Sequence);
    }

    [Fact]
    public async Task Heartbeat_FirstBeatAfterJitteredInterval_ThenEveryInterval_WithLatestSequence()
    {
        await using var harness = new GatewayHarness(random: 0.25);
        harness.Start(harness.CreateShard());
        var helloAt = harness.Clock.GetUtcNow();
        var (connection, _) = await harness.ConnectAndIdentifyAsync(heartbeatMs: 1000);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(249));
        Assert.DoesNotContain(connection.SentSoFar, sent => sent.Op == GatewayOpcode.Heartbeat);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var first = await connection.NextSentAsync(GatewayOpcode.Heartbeat);
        Assert.Equal(helloAt + TimeSpan.FromMilliseconds(250), first.At);
        Assert.Equal(JsonValueKind.Null, first.Data.ValueKind);
        connection.SendHeartbeatAck();

        connection.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        connection.SendDispatch("GUILD_CREATE", 2, """{"id":"1"}""");
        await harness.Handler.WaitForSequenceAsync(2);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        var second = await connection.NextSentAsync(GatewayOpcode.Heartbeat);
        Assert.Equal(helloAt + TimeSpan.FromMilliseconds(1250), second.At);
        Assert.Equal(2, second.Data.GetInt64());
    }

    [Fact]
    public async Task HeartbeatAck_RecordsLatency()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        var shard = harness.CreateShard();
        harness.Start(shard);
        var (connection, _) = await harness.ConnectAndIdentifyAsync(heartbeatMs: 1000);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await connection.NextSentAsync(GatewayOpcode.Heartbeat);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(40));
        connection.SendHeartbeatAck();
        connection.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        await harness.Handler.WaitForSequenceAsync(1);

        Assert.Equal(TimeSpan.FromMilliseconds(40), shard.LastHeartbeatLatency);
        Assert.Equal(40, shard.GetStatus().LatencyMs);
    }

    [Fact]
    public async Task ServerHeartbeatRequest_IsAnsweredAtOnce_WithLatestSequence()
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();
        var before = harness.Clock.GetUtcNow();

        connection.Send("""{"op":1,"d":null}""");

        var beat = await connection.NextSentAsync(GatewayOpcode.Heartbeat);
        Assert.Equal(before, beat.At);
        Assert.Equal(1, beat.Data.GetInt64());
    }

    [Fact]
    public async Task MissedHeartbeatAck_ClosesWithResumableCode_AndResumesOnResumeUrlWithSessionAndSequence()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        harness.Start(harness.CreateShard());
        var (connection, _) = await harness.ConnectAndIdentifyAsync(heartbeatMs: 1000);
        connection.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        connection.SendDispatch("GUILD_CREATE", 7, """{"id":"1"}""");
        await harness.Handler.WaitForSequenceAsync(7);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(7, (await connection.NextSentAsync(GatewayOpcode.Heartbeat)).Data.GetInt64());
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1000));

        var closeCode = await connection.ClosedByClient.WaitAsync(Safety.Timeout);
        Assert.NotEqual(1000, closeCode);
        Assert.NotEqual(1001, closeCode);
        Assert.Equal(GatewayShardClient.ResumableCloseCode, closeCode);

        var resumed = await harness.Connector.NextConnectionAsync();
        Assert.Equal("wss://resume.test/?v=10&encoding=json", resumed.Url.ToString());
        resumed.SendHello(1000);
        var resume = await resumed.NextSentAsync(GatewayOpcode.Resume);
        Assert.Equal(GatewayHarness.Token, resume.Data.GetProperty("token").GetString());
        Assert.Equal(GatewayHarness.SessionId, resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(7, resume.Data.GetProperty("seq").GetInt64());
        Assert.DoesNotContain(resumed.SentSoFar, sent => sent.Op == GatewayOpcode.Identify);
    }

    [Fact]
    public async Task ReconnectRequest_ClosesResumably_AndResumes()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        harness.Start(shard);
        var connection = await harness.ReadyAsync();

        connection.Send("""{"op":7,"d":null}""");

        Assert.Equal(GatewayShardClient.ResumableCloseCode, await connection.ClosedByClient.WaitAsync(Safety.Timeout));
        var resumed = await harness.Connector.NextConnectionAsync();
        Assert.StartsWith(GatewayHarness.ResumeUrl, resumed.Url.ToString(), StringComparison.Ordinal);
        resumed.SendHello(GatewayHarness.QuietHeartbeatMs);
        Assert.Equal(1, (await resumed.NextSentAsync(GatewayOpcode.Resume)).Data.GetProperty("seq").GetInt64());

        resumed.SendDispatch("RESUMED", 2, "{}");
        await harness.Handler.WaitForSequenceAsync(2);
        Assert.Equal(GatewayShardState.Ready, shard.State);
    }

    [Fact]
    public async Task InvalidSessionResumable_Resumes()
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();

        connection.Send("""{"op":9,"d":true}""");

        var resumed = await harness.Connector.NextConnectionAsync();
        Assert.StartsWith(GatewayHarness.ResumeUrl, resumed.Url.ToString(), StringComparison.Ordinal);
        resumed.SendHello(GatewayHarness.QuietHeartbeatMs);
        await resumed.NextSentAsync(GatewayOpcode.Resume);
    }

    [Fact]
    public async Task InvalidSessionNotResumable_ClearsSession_AndIdentifiesOnGatewayUrlAfterRandomWait()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        var invalidatedAt = harness.Clock.GetUtcNow();

        connection.Send("""{"op":9,"d":false}""");
        await connection.ClosedByClient.WaitAsync(Safety.Timeout);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Single(harness.Connector.Attempts);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var next = await harness.Connector.NextConnectionAsync();

        // 1 s + 4 s × 0.5: Discord's random 1-5 s.
        Assert.Equal(invalidatedAt + TimeSpan.FromSeconds(3), next.ConnectedAt);
        Assert.Equal("wss://gateway.test/?v=10&encoding=json", next.Url.ToString());
        Assert.Null(harness.Store[0]);
        next.SendHello(GatewayHarness.QuietHeartbeatMs);
        await next.NextSentAsync(GatewayOpcode.Identify);
        Assert.DoesNotContain(next.SentSoFar, sent => sent.Op == GatewayOpcode.Resume);
    }

    [Theory]
    [InlineData(4004)]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    [InlineData(4014)]
    public async Task FatalCloseCode_FailsForGood_WithoutAnotherConnection(int code)
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        var running = harness.Run(shard);
        var connection = await harness.ReadyAsync();

        connection.ServerClose(code, "scripted");
        await running.WaitAsync(Safety.Timeout);

        Assert.Equal(GatewayShardState.Failed, shard.State);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), shard.Problem, StringComparison.Ordinal);
        Assert.Null(harness.Store[0]);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Single(harness.Connector.Attempts);
        Assert.Contains(harness.Logs.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Critical && entry.Message.Contains($"{code}", StringComparison.Ordinal));
        await Assert.ThrowsAsync<GatewayShardFailedException>(() => shard.SendVoiceStateUpdateAsync(1, 2, false, true, CancellationToken.None));
    }

    [Fact]
    public async Task InvalidToken_LogLineNamesTheMeaning()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        var running = harness.Run(shard);
        var (connection, _) = await harness.ConnectAndIdentifyAsync();

        connection.ServerClose(4004, "Authentication failed.");
        await running.WaitAsync(Safety.Timeout);

        Assert.Contains(harness.Logs.Entries, entry => entry.Message.Contains("4004", StringComparison.Ordinal) && entry.Message.Contains("authentication failed", StringComparison.Ordinal));
        Assert.Contains("authentication failed", shard.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4003)]
    [InlineData(4007)]
    [InlineData(4009)]
    public async Task SessionEndingCloseCode_ForgetsSession_AndIdentifiesAgain(int code)
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();
        harness.Clock.Advance(TimeSpan.FromSeconds(10));

        connection.ServerClose(code);

        var next = await harness.Connector.NextConnectionAsync();
        Assert.Equal("wss://gateway.test/?v=10&encoding=json", next.Url.ToString());
        next.SendHello(GatewayHarness.QuietHeartbeatMs);
        await next.NextSentAsync(GatewayOpcode.Identify);
        Assert.Null(harness.Store[0]);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4008)]
    [InlineData(null)]
    public async Task ResumableCloseOrDroppedSocket_Resumes(int? code)
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();

        connection.ServerClose(code);

        var next = await harness.Connector.NextConnectionAsync();
        Assert.StartsWith(GatewayHarness.ResumeUrl, next.Url.ToString(), StringComparison.Ordinal);
        next.SendHello(GatewayHarness.QuietHeartbeatMs);
        await next.NextSentAsync(GatewayOpcode.Resume);
    }

    [Fact]
    public async Task Restart_WithSavedSession_ResumesInsteadOfIdentifying()
    {
        await using var harness = new GatewayHarness();
        await harness.Store.SaveAsync(new GatewaySession(0, 1, "saved-session", "wss://saved-resume.test/", 42, harness.Clock.GetUtcNow()), CancellationToken.None);
        var limiter = harness.CreateLimiter(remaining: 10, total: 10);
        harness.Start(harness.CreateShard(limiter: limiter));

        var connection = await harness.Connector.NextConnectionAsync();
        connection.SendHello(GatewayHarness.QuietHeartbeatMs);
        var resume = await connection.NextSentAsync();

        Assert.Equal("wss://saved-resume.test/?v=10&encoding=json", connection.Url.ToString());
        Assert.Equal(GatewayOpcode.Resume, resume.Op);
        Assert.Equal("saved-session", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(42, resume.Data.GetProperty("seq").GetInt64());
        Assert.Equal(10, limiter.Remaining);
    }

    [Fact]
    public async Task SavedSessionOfAnotherShardCount_IsNotResumed()
    {
        await using var harness = new GatewayHarness();
        await harness.Store.SaveAsync(new GatewaySession(0, 2, "saved-session", "wss://saved-resume.test/", 42, harness.Clock.GetUtcNow()), CancellationToken.None);
        harness.Start(harness.CreateShard(shardId: 0, shardCount: 1));

        var (connection, _) = await harness.ConnectAndIdentifyAsync();

        Assert.Equal("wss://gateway.test/?v=10&encoding=json", connection.Url.ToString());
    }

    [Fact]
    public async Task SessionSaves_AreThrottled_ButCatchUpOnceTheIntervalPassed()
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();
        var savesAfterReady = harness.Store.SaveCount;

        for (var sequence = 2; sequence <= 5; sequence++)
        {
            connection.SendDispatch("GUILD_CREATE", sequence, """{"id":"1"}""");
        }

        await harness.Handler.WaitForSequenceAsync(5);
        Assert.Equal(savesAfterReady, harness.Store.SaveCount);
        Assert.Equal(1, harness.Store[0]!.Sequence);

        harness.Clock.Advance(harness.Options.SessionSaveInterval);
        connection.SendDispatch("VOICE_STATE_UPDATE", 6, """{"guild_id":"1"}""");
        connection.SendDispatch("VOICE_STATE_UPDATE", 7, """{"guild_id":"1"}""");
        await harness.Handler.WaitForSequenceAsync(7);

        Assert.Equal(6, harness.Store[0]!.Sequence);
    }

    [Fact]
    public async Task Cancellation_ClosesWithResumableCode_AndSavesLatestSequence()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        var running = harness.Run(shard);
        var connection = await harness.ReadyAsync();
        connection.SendDispatch("GUILD_CREATE", 2, """{"id":"1"}""");
        connection.SendDispatch("GUILD_CREATE", 3, """{"id":"1"}""");
        await harness.Handler.WaitForSequenceAsync(3);

        harness.Stop();
        await running.WaitAsync(Safety.Timeout);

        Assert.Equal(GatewayShardClient.ResumableCloseCode, await connection.ClosedByClient.WaitAsync(Safety.Timeout));
        Assert.Equal(3, harness.Store[0]!.Sequence);
        Assert.Equal(GatewayShardState.Disconnected, shard.State);
        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task Stop_EndsSendersStillWaitingForAReadyConnection()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        var running = harness.Run(shard);
        var waiting = shard.SendVoiceStateUpdateAsync(41771983423143937, 127121515262115840, false, true);
        await harness.Connector.NextConnectionAsync();

        harness.Stop();
        await running.WaitAsync(Safety.Timeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Safety.Timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Dispatches_ReachTheHandler_WithShardTypeSequenceAndDataThatOutlivesTheBuffer()
    {
        await using var harness = new GatewayHarness();
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();

        connection.SendDispatch("VOICE_SERVER_UPDATE", 2, """{"token":"voice-token","guild_id":"41771983423143937","endpoint":"voice.test:443"}""");
        var dispatch = await harness.Handler.WaitForSequenceAsync(2);

        Assert.Equal(0, dispatch.ShardId);
        Assert.Equal("VOICE_SERVER_UPDATE", dispatch.Type);
        Assert.Equal("voice.test:443", dispatch.Data.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task ConnectFailures_BackOffExponentiallyWithJitter_UpToTheCap()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        harness.Options.ReconnectBaseDelay = TimeSpan.FromSeconds(1);
        harness.Options.ReconnectMaxDelay = TimeSpan.FromSeconds(3);
        harness.Connector.FailNext(4);
        harness.Start(harness.CreateShard());

        // Jitter 0.5 takes 75 % of each step: 1 s, 2 s, then 4 s capped at 3 s.
        var waits = new List<TimeSpan>();
        for (var failure = 0; failure < 4; failure++)
        {
            var wait = await harness.Clock.NextTimerAsync();
            waits.Add(wait);
            harness.Clock.Advance(wait);
        }

        Assert.Equal([TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(2250), TimeSpan.FromMilliseconds(2250)], waits);
        var connection = await harness.Connector.NextConnectionAsync();
        Assert.Equal(5, harness.Connector.Attempts.Count);
        connection.SendHello(GatewayHarness.QuietHeartbeatMs);
        await connection.NextSentAsync(GatewayOpcode.Identify);
    }

    [Fact]
    public async Task SendLimit_HoldsOrdinarySendsPastTheWindow_ButHeartbeatsStillGo()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        harness.Start(shard);
        var connection = await harness.ReadyAsync();
        var identifiedAt = connection.SentSoFar.Single(sent => sent.Op == GatewayOpcode.Identify).At;

        // Identify plus 114 updates fill the 115 ordinary slots of 120 (5 kept for heartbeats).
        for (var i = 0; i < 114; i++)
        {
            await shard.SendVoiceStateUpdateAsync(41771983423143937, 127121515262115840, false, true).WaitAsync(Safety.Timeout);
        }

        var held = shard.SendVoiceStateUpdateAsync(41771983423143937, null, false, false);
        Assert.False(held.IsCompleted);

        connection.Send("""{"op":1,"d":null}""");
        var beat = await connection.NextSentAsync(GatewayOpcode.Heartbeat);
        Assert.Equal(identifiedAt, beat.At);
        Assert.False(held.IsCompleted);

        harness.Clock.Advance(GatewayLimits.SendWindow);
        await held.WaitAsync(Safety.Timeout);
        var last = connection.SentSoFar[^1];
        Assert.Equal(GatewayOpcode.VoiceStateUpdate, last.Op);
        Assert.Equal(identifiedAt + GatewayLimits.SendWindow, last.At);
        Assert.Equal(117, connection.SentSoFar.Count);
    }

    [Fact]
    public async Task OversizedPayload_IsRefusedBeforeSending()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        harness.Start(shard);
        var connection = await harness.ReadyAsync();
        var sentBefore = connection.SentSoFar.Count;

        var payload = new byte[GatewayLimits.MaxPayloadBytes + 1];
        var refused = await Assert.ThrowsAsync<GatewayPayloadTooLargeException>(() => shard.SendWhenReadyAsync(8, payload, CancellationToken.None));

        Assert.Equal(4097, refused.ByteCount);
        Assert.Contains("4096", refused.Message, StringComparison.Ordinal);
        Assert.Equal(sentBefore, connection.SentSoFar.Count);
    }

    [Fact]
    public async Task VoiceStateUpdate_WaitsForReady_ThenSendsOp4WithSnowflakeStrings()
    {
        await using var harness = new GatewayHarness();
        var shard = harness.CreateShard();
        harness.Start(shard);

        var join = shard.SendVoiceStateUpdateAsync(41771983423143937, 127121515262115840, selfMute: false, selfDeaf: true);
        Assert.False(join.IsCompleted);
        var connection = await harness.ReadyAsync();
        await join.WaitAsync(Safety.Timeout);
        await shard.SendVoiceStateUpdateAsync(41771983423143937, null, false, false);

        var sent = connection.SentSoFar.Where(payload => payload.Op == GatewayOpcode.VoiceStateUpdate).ToList();
        Assert.Equal("41771983423143937", sent[0].Data.GetProperty("guild_id").GetString());
        Assert.Equal("127121515262115840", sent[0].Data.GetProperty("channel_id").GetString());
        Assert.True(sent[0].Data.GetProperty("self_deaf").GetBoolean());
        Assert.False(sent[0].Data.GetProperty("self_mute").GetBoolean());
        Assert.Equal(JsonValueKind.Null, sent[1].Data.GetProperty("channel_id").ValueKind);
    }

    [Fact]
    public async Task Token_NeverReachesLogsOrToString()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        var shard = harness.CreateShard();
        var running = harness.Run(shard);
        var (connection, _) = await harness.ConnectAndIdentifyAsync(heartbeatMs: 1000);
        connection.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        await harness.Handler.WaitForSequenceAsync(1);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(500));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        var resumed = await harness.Connector.NextConnectionAsync();
        resumed.SendHello(1000);
        await resumed.NextSentAsync(GatewayOpcode.Resume);
        resumed.ServerClose(4004, "Authentication failed.");
        await running.WaitAsync(Safety.Timeout);

        Assert.NotEmpty(harness.Logs.Lines);
        Assert.All(harness.Logs.Lines, line => Assert.DoesNotContain(GatewayHarness.Token, line, StringComparison.Ordinal));
        Assert.DoesNotContain(GatewayHarness.Token, shard.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayHarness.Token, shard.GetStatus().ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayHarness.Token, shard.Problem, StringComparison.Ordinal);
    }
}
