using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Interactions;

public sealed class DeferredCommandTests
{
    private const string StatusCommand =
        """{"type":2,"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"aW50ZXJhY3Rpb24tdG9rZW4","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"32"},"data":{"id":"1","name":"status","type":1}}""";

    [Fact]
    public async Task DeferredCommand_IsQueuedBeforeAnsweringType5Ephemeral()
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IDeferredCommandQueue>(queue));

        using var response = await host.SendSignedAsync(StatusCommand);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
        var queued = Assert.Single(queue.Enqueued);
        Assert.Equal(DeferredWorkQueue.Interactions, Assert.Single(queue.Targets));
        Assert.Equal("status", queued.Invocation.CommandName);
        Assert.Equal(1312345678901234568UL, queued.InteractionId);
        Assert.Equal(100000000000000001UL, queued.ApplicationId);
        Assert.Equal("aW50ZXJhY3Rpb24tdG9rZW4", queued.InteractionToken);
        Assert.Equal(900000000000000001UL, queued.Invocation.GuildId);
        Assert.Equal(80351110224678912UL, queued.Invocation.UserId);
        Assert.Equal(host.Time.GetUtcNow(), queued.EnqueuedAt);
    }

    [Fact]
    public async Task DeferredCommand_WhenTheQueueFails_Answers503AndNeverDefers()
    {
        var queue = new RecordingDeferredQueue { FailWith = new InvalidOperationException("storage is down") };
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IDeferredCommandQueue>(queue));

        using var response = await host.SendSignedAsync(StatusCommand);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("\"type\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
