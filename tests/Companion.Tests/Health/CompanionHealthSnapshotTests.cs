using Serverless.Companion.Health;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Tests.Health;

public sealed class CompanionHealthSnapshotTests
{
    [Theory]
    [InlineData(ShardStates.Ready, LavalinkStates.Ok, true, "ok", "ok")]
    [InlineData(ShardStates.Ready, LavalinkStates.NotConfigured, true, "ok", "ok")]
    [InlineData(ShardStates.Ready, LavalinkStates.Unavailable, true, "ok", "degraded")]
    [InlineData(ShardStates.Resuming, LavalinkStates.Ok, true, "degraded", "degraded")]
    [InlineData(ShardStates.Ready, LavalinkStates.Ok, null, "ok", "degraded")]
    [InlineData(ShardStates.Ready, LavalinkStates.Ok, false, "ok", "fail")]
    [InlineData(ShardStates.Failed, LavalinkStates.Ok, true, "fail", "fail")]
    public void GatewayAndOverall_FollowTheShardsLavalinkAndStorage(string shardState, string lavalink, bool? storage, string gateway, string overall)
    {
        var snapshot = new CompanionHealthSnapshot([new ShardHeartbeat(0, ShardStates.Ready, 40), new ShardHeartbeat(1, shardState, null)], lavalink, "4.2.2", null, 1, storage);

        Assert.Equal(gateway, snapshot.Gateway);
        Assert.Equal(overall, snapshot.Overall);
    }

    [Fact]
    public void NoShardsYet_IsDegraded_NotOk()
    {
        var snapshot = new CompanionHealthSnapshot([], LavalinkStates.Ok, "4.2.2", null, 0, StorageReachable: true);

        Assert.Equal("degraded", snapshot.Gateway);
        Assert.Equal("degraded", snapshot.Overall);
    }

    [Theory]
    [InlineData("standby")]
    [InlineData("lost")]
    public void AStandby_IsHealthyStandby_WhateverItsGatewayAndStorageSay(string role)
    {
        // A standby runs no gateway and polls no queue: neither may make the platform restart it.
        var snapshot = new CompanionHealthSnapshot([], LavalinkStates.Ok, null, null, 0, StorageReachable: null, new CompanionLeaseView(role, "me", "other", DateTimeOffset.UnixEpoch));

        Assert.Equal("standby", snapshot.Overall);
    }

    [Fact]
    public void TheActiveCompanion_IsJudgedByItsDependencies()
    {
        var shards = new[] { new ShardHeartbeat(0, ShardStates.Ready, 40) };
        var lease = new CompanionLeaseView("active", "me", "me", DateTimeOffset.UnixEpoch);

        Assert.Equal("ok", new CompanionHealthSnapshot(shards, LavalinkStates.Ok, null, null, 0, true, lease).Overall);
        Assert.Equal("fail", new CompanionHealthSnapshot(shards, LavalinkStates.Ok, null, null, 0, false, lease).Overall);
    }
}
