using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Functions.Interactions;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>The operator controls at the endpoint: a refusal is answered inline, ephemeral, with nothing run or queued.</summary>
public sealed class OperatorControlsEndpointTests
{
    private const string Guild = "900000000000000001";

    private const string StatusCommand =
        $$$"""{"type":2,"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"{{{Guild}}}","channel_id":"900000000000000002","token":"aW50ZXJhY3Rpb24tdG9rZW4","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"32"},"data":{"id":"1","name":"status","type":1}}""";

    private const string SkipClick =
        $$$"""{"type":3,"id":"1312345678901234571","application_id":"100000000000000001","guild_id":"{{{Guild}}}","channel_id":"900000000000000002","token":"c2VjcmV0LXRva2Vu","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"message":{"id":"900000000000000099"},"data":{"custom_id":"music:skip","component_type":2}}""";

    private const string ScheduleForm =
        $$$"""{"type":5,"id":"1312345678901234572","application_id":"100000000000000001","guild_id":"{{{Guild}}}","channel_id":"900000000000000002","token":"c2VjcmV0LXRva2Vu","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"8"},"data":{"custom_id":"schedule:create:abc","components":[]}}""";

    private readonly RecordingDeferredQueue _queue = new();
    private readonly SetControls _controls = new();

    [Fact]
    public async Task AQueuedCommandOfASwitchedOffFeature_IsAnsweredInlineEphemeral_AndNothingIsQueued()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("status"), "checking the storage account")], [], []);
        await using var host = await StartAsync();

        using var response = await host.SendSignedAsync(StatusCommand);

        var (type, flags, content) = await ReadAsync(response);
        Assert.Equal(4, type);
        Assert.Equal(64, flags);
        Assert.Equal("The status feature is turned off right now: checking the storage account. Please try again later.", content);
        Assert.Empty(_queue.Enqueued);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 1016 && entry.Message.Contains("disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClickInABlockedGuild_GetsOnlyTheNotice_AndNothingIsQueued()
    {
        _controls.Snapshot = new([], [new GuildBlock { GuildId = ulong.Parse(Guild, System.Globalization.CultureInfo.InvariantCulture), Reason = "abuse", BlockedBy = "ops:test", BlockedAt = DateTimeOffset.UnixEpoch }], []);
        await using var host = await StartAsync();

        using var response = await host.SendSignedAsync(SkipClick);

        var (type, flags, content) = await ReadAsync(response);
        Assert.Equal(4, type);
        Assert.Equal(64, flags);
        Assert.Equal(OperatorControlGate.BlockedNotice, content);
        Assert.Empty(_queue.Enqueued);
    }

    [Fact]
    public async Task AFormOfASwitchedOffFeature_IsAnsweredInline_AndItsHandlerDoesNotRun()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("schedule"), "paused")], [], []);
        await using var host = await StartAsync();

        using var response = await host.SendSignedAsync(ScheduleForm);

        var (type, flags, content) = await ReadAsync(response);
        Assert.Equal(4, type);
        Assert.Equal(64, flags);
        Assert.StartsWith("The schedule feature is turned off right now: paused.", content, StringComparison.Ordinal);
        Assert.Empty(_queue.Enqueued);
        Assert.Empty(host.ScheduledPosts.Posts);
    }

    [Fact]
    public async Task NoControls_LeaveTheDeferredPathAsItWas()
    {
        await using var host = await StartAsync();

        using var response = await host.SendSignedAsync(StatusCommand);

        Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
        Assert.Single(_queue.Enqueued);
    }

    [Fact]
    public async Task AUserPastTheLimit_IsToldWhenToRetry_AndNothingIsQueued()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:User:Capacity"] = "1", ["Limits:User:Per"] = "00:01:00" });

        using var first = await host.SendSignedAsync(StatusCommand);
        using var second = await host.SendSignedAsync(StatusCommand.Replace("1312345678901234568", "1312345678901234569", StringComparison.Ordinal));

        var (type, flags, content) = await ReadAsync(second);
        Assert.Equal(4, type);
        Assert.Equal(64, flags);
        Assert.Equal($"You're going a bit fast: try `/status` again <t:{host.Time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds()}:R>.", content);
        Assert.Single(_queue.Enqueued);
    }

    private Task<FunctionTestHost> StartAsync(Dictionary<string, string?>? settings = null) =>
        FunctionTestHost.StartAsync(settings, services =>
        {
            services.AddSingleton<IDeferredCommandQueue>(_queue);
            services.AddSingleton<IOperatorControls>(_controls);
        });

    private static KillSwitch Switch(ControlTarget target, string reason) =>
        new() { Target = target, Reason = reason, SetBy = "ops:test", SetAt = DateTimeOffset.UnixEpoch };

    private static async Task<(int Type, int Flags, string Content)> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = body.RootElement.GetProperty("data");
        return (body.RootElement.GetProperty("type").GetInt32(), data.GetProperty("flags").GetInt32(), data.GetProperty("content").GetString()!);
    }

    private sealed class SetControls : IOperatorControls
    {
        public OperatorControlSnapshot Snapshot { get; set; } = OperatorControlSnapshot.Empty;

        public ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Snapshot);
    }
}
