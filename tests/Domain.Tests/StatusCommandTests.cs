using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Tests;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_AllHealthy_ReportsEachDependencyAndQueueDepths()
    {
        var probe = new Probe(
            new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(12), [new QueueDepth("interactions", 3), new QueueDepth("interactions-poison", 1)]),
            new DiscordStatus(DependencyState.Ok, "Serverless Bot"));
        var command = new StatusCommand(probe, probe);

        var reply = await command.ExecuteAsync(new CommandInvocation { CommandName = "status", CorrelationId = "c" }, CancellationToken.None);

        Assert.True(reply.Ephemeral);
        Assert.Equal(
            "**Status**\noverall: ok\nstorage: ok (12 ms)\ndiscord: ok (as Serverless Bot)\nqueues: interactions 3, interactions-poison 1",
            reply.Content);
    }

    [Fact]
    public void Status_RejectedToken_SaysUnauthorizedAndDegraded()
    {
        var text = StatusCommand.Render(
            new StorageStatus(DependencyState.Unreachable, TimeSpan.FromSeconds(2), [], "storage did not answer"),
            new DiscordStatus(DependencyState.Unauthorized, Problem: "Discord rejected the bot token"));

        Assert.Contains("overall: degraded", text, StringComparison.Ordinal);
        Assert.Contains("storage: unreachable — storage did not answer", text, StringComparison.Ordinal);
        Assert.Contains("discord: unauthorized — Discord rejected the bot token", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_IsDeferredAndNeedsManageGuild()
    {
        Assert.Equal(CommandResponseMode.Deferred, StatusCommand.Definition.ResponseMode);
        Assert.Equal(MemberPermissions.ManageGuild, StatusCommand.Definition.DefaultMemberPermissions);
    }

    private sealed class Probe(StorageStatus? storage = null, DiscordStatus? discord = null) : IStorageStatusProbe, IDiscordStatusProbe
    {
        Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken) => Task.FromResult(storage!);

        Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken) => Task.FromResult(discord!);
    }
}
