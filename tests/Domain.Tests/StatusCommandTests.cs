using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Tests;

public sealed class StatusCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Status_AllHealthy_ReportsEachDependencyAndQueueDepths()
    {
        var probe = new Probe(
            new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(12), [new QueueDepth("interactions", 3), new QueueDepth("interactions-poison", 1)]),
            new DiscordStatus(DependencyState.Ok, "Serverless Bot"),
            CompanionStatus.Evaluate(Heartbeat(Now.AddSeconds(-12)), Now, StaleAfter));
        var command = new StatusCommand(probe, probe, probe);

        var reply = await command.ExecuteAsync(new CommandInvocation { CommandName = "status", CorrelationId = "c" }, CancellationToken.None);

        Assert.True(reply.Ephemeral);
        Assert.Equal(
            "**Status**\noverall: ok\nstorage: ok (12 ms)\ndiscord: ok (as Serverless Bot)\n"
            + "Companion: last heartbeat 12 s ago — gateway: 1/1 shards ready (latency 41 ms); Lavalink 4.2.2 ok; 2 players\n"
            + "queues: interactions 3, interactions-poison 1",
            reply.Content);
    }

    [Fact]
    public void Status_RejectedToken_SaysUnauthorizedAndDegraded()
    {
        var text = StatusCommand.Render(
            new StorageStatus(DependencyState.Unreachable, TimeSpan.FromSeconds(2), [], "storage did not answer"),
            new DiscordStatus(DependencyState.Unauthorized, Problem: "Discord rejected the bot token"),
            CompanionStatus.Unreadable("could not read the companion heartbeat"));

        Assert.Contains("overall: degraded", text, StringComparison.Ordinal);
        Assert.Contains("storage: unreachable — storage did not answer", text, StringComparison.Ordinal);
        Assert.Contains("discord: unauthorized — Discord rejected the bot token", text, StringComparison.Ordinal);
        Assert.Contains("Companion: unknown — could not read the companion heartbeat", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_NoHeartbeatYet_SaysSoAndIsDegraded()
    {
        var text = Render(CompanionStatus.Evaluate(null, Now, StaleAfter));

        Assert.Contains("overall: degraded", text, StringComparison.Ordinal);
        Assert.Contains("Companion: no companion heartbeat yet", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_StaleHeartbeat_SaysWhenItWasLastSeen()
    {
        var companion = CompanionStatus.Evaluate(Heartbeat(Now.AddMinutes(-5)), Now, StaleAfter);

        var text = Render(companion);

        Assert.True(companion.Stale);
        Assert.Equal(DependencyState.Degraded, companion.Gateway);
        Assert.Equal(DependencyState.Degraded, companion.Lavalink);
        Assert.Contains("overall: degraded", text, StringComparison.Ordinal);
        Assert.Contains("Companion: stale (last seen 5 min ago)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_HeartbeatJustUnderTheThreshold_IsStillFresh()
    {
        var companion = CompanionStatus.Evaluate(Heartbeat(Now - StaleAfter), Now, StaleAfter);

        Assert.False(companion.Stale);
        Assert.True(companion.IsOk);
        Assert.StartsWith("last heartbeat 90 s ago", companion.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Status_FailedShard_IsDegradedAndNamesTheShardAndItsProblem()
    {
        var heartbeat = Heartbeat(Now.AddSeconds(-3)) with
        {
            Shards = [new ShardHeartbeat(0, "ready", 40), new ShardHeartbeat(1, "failed", null, "Authentication failed (4004)")],
            ActivePlayers = 1,
        };
        var companion = CompanionStatus.Evaluate(heartbeat, Now, StaleAfter);

        var text = Render(companion);

        Assert.Equal(DependencyState.Degraded, companion.Gateway);
        Assert.Equal(DependencyState.Ok, companion.Lavalink);
        Assert.Contains("overall: degraded", text, StringComparison.Ordinal);
        Assert.Contains(
            "Companion: last heartbeat 3 s ago — gateway: 1/2 shards ready (latency 40 ms), shard 1 failed: Authentication failed (4004); Lavalink 4.2.2 ok; 1 player",
            text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ok", DependencyState.Ok)]
    [InlineData("connecting", DependencyState.Degraded)]
    [InlineData("unsupported", DependencyState.Degraded)]
    [InlineData("unavailable", DependencyState.Unreachable)]
    [InlineData("not-configured", DependencyState.NotConfigured)]
    public void Status_LavalinkState_MapsToADependencyState(string reported, DependencyState expected)
    {
        var companion = CompanionStatus.Evaluate(Heartbeat(Now) with { Lavalink = reported }, Now, StaleAfter);

        Assert.Equal(expected, companion.Lavalink);
        Assert.Equal(DependencyState.Ok, companion.Gateway);
    }

    [Fact]
    public void Status_IsDeferredAndNeedsManageGuild()
    {
        Assert.Equal(CommandResponseMode.Deferred, StatusCommand.Definition.ResponseMode);
        Assert.Equal(MemberPermissions.ManageGuild, StatusCommand.Definition.DefaultMemberPermissions);
    }

    private static string Render(CompanionStatus companion) => StatusCommand.Render(
        new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(5), []),
        new DiscordStatus(DependencyState.Ok, "bot"),
        companion);

    private static CompanionHeartbeat Heartbeat(DateTimeOffset writtenAt) => new()
    {
        WrittenAt = writtenAt,
        Instance = "companion-0/17",
        Shards = [new ShardHeartbeat(0, "ready", 41)],
        Lavalink = "ok",
        LavalinkVersion = "4.2.2",
        ActivePlayers = 2,
    };

    private sealed class Probe(StorageStatus storage, DiscordStatus discord, CompanionStatus companion) : IStorageStatusProbe, IDiscordStatusProbe, ICompanionStatusProbe
    {
        Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken) => Task.FromResult(storage);

        Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken) => Task.FromResult(discord);

        Task<CompanionStatus> ICompanionStatusProbe.CheckAsync(CancellationToken cancellationToken) => Task.FromResult(companion);
    }
}
