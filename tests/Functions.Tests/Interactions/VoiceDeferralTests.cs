using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Permissions;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>Commands and buttons whose work the companion does reach the <c>voice</c> queue before Discord is answered.</summary>
public sealed class VoiceDeferralTests
{
    private const string InteractionId = "1312345678901234570";
    private const string Token = "dm9pY2UtdG9rZW4";

    [Fact]
    public async Task DeferredToVoiceCommand_IsQueuedOnVoice_ThenAnsweredType5AsItsDefinitionSays()
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await StartAsync(queue, new VoiceCommand(ephemeral: true));

        using var response = await host.SendSignedAsync(Command(VoiceCommand.Name, """[{"name":"query","type":3,"value":"never gonna"}]"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(DeferredWorkQueue.Voice, Assert.Single(queue.Targets));
        var queued = Assert.Single(queue.Enqueued);
        Assert.Equal(VoiceCommand.Name, queued.Invocation.CommandName);
        Assert.Equal("never gonna", queued.Invocation.Options["query"]);
        Assert.Equal(ulong.Parse(InteractionId, System.Globalization.CultureInfo.InvariantCulture), queued.InteractionId);
        Assert.Equal(Token, queued.InteractionToken);
        Assert.Equal(900000000000000001UL, queued.Invocation.GuildId);
        Assert.Equal(900000000000000002UL, queued.Invocation.ChannelId);
        Assert.Equal(80351110224678912UL, queued.Invocation.UserId);
        Assert.Equal((MemberPermissions)DiscordPermissions.Connect, queued.Invocation.MemberPermissions);
        Assert.Equal(host.Time.GetUtcNow(), queued.EnqueuedAt);
    }

    [Fact]
    public async Task DeferredToVoiceCommand_NotEphemeral_IsAPublicType5()
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await StartAsync(queue, new VoiceCommand(ephemeral: false));

        using var response = await host.SendSignedAsync(Command(VoiceCommand.Name, "[]"));

        Assert.Equal("""{"type":5}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(DeferredWorkQueue.Voice, Assert.Single(queue.Targets));
    }

    [Fact]
    public async Task DeferredToVoiceCommand_WhenTheQueueFails_Answers503AndNeverDefers()
    {
        var queue = new RecordingDeferredQueue { FailWith = new InvalidOperationException("storage is down") };
        var command = new VoiceCommand(ephemeral: true);
        await using var host = await StartAsync(queue, command);

        using var response = await host.SendSignedAsync(Command(VoiceCommand.Name, "[]"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("\"type\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, command.Executions);
    }

    [Fact]
    public async Task DeferredToVoiceCommand_WhenTheQueueDoesNotAnswerInTime_Answers503()
    {
        var queue = new RecordingDeferredQueue { Hang = true };
        await using var host = await StartAsync(queue, new VoiceCommand(ephemeral: true));

        var sending = host.SendSignedAsync(Command(VoiceCommand.Name, "[]"));
        while (!sending.IsCompleted)
        {
            // The enqueue timeout (2 s by default) runs on the fake clock: move it on until the endpoint gives up.
            host.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(sending, Task.Delay(20));
        }

        using var response = await sending;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(queue.Enqueued);
    }

    [Fact]
    public async Task DeferredToVoiceCommand_IsNeverRunByTheFunctionsApp()
    {
        var queue = new RecordingDeferredQueue();
        var command = new VoiceCommand(ephemeral: true);
        await using var host = await StartAsync(queue, command);

        using var response = await host.SendSignedAsync(Command(VoiceCommand.Name, "[]"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, command.Executions);
    }

    [Theory]
    [InlineData(MusicCommand.Buttons.Pause)]
    [InlineData(MusicCommand.Buttons.Resume)]
    [InlineData(MusicCommand.Buttons.Skip)]
    [InlineData(MusicCommand.Buttons.Stop)]
    public async Task MusicButton_IsQueuedOnVoiceAsTheMusicCommand_ThenAnsweredType6(string customId)
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await StartAsync(queue);

        using var response = await host.SendSignedAsync(Button(customId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":6}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(DeferredWorkQueue.Voice, Assert.Single(queue.Targets));
        var queued = Assert.Single(queue.Enqueued);
        Assert.Equal("music", queued.Invocation.CommandName);
        Assert.Equal(customId, Assert.Single(queued.Invocation.Options, option => option.Key == "button").Value);
        Assert.Single(queued.Invocation.Options);
        Assert.Equal(Token, queued.InteractionToken);
        Assert.Equal(100000000000000001UL, queued.ApplicationId);
        Assert.Equal(900000000000000001UL, queued.Invocation.GuildId);
        Assert.Equal(900000000000000002UL, queued.Invocation.ChannelId);
        Assert.Equal(80351110224678912UL, queued.Invocation.UserId);
        Assert.Equal((MemberPermissions)DiscordPermissions.Connect, queued.Invocation.MemberPermissions);
        Assert.Equal("en-GB", queued.Invocation.Locale);
    }

    [Fact]
    public async Task MusicButton_WhenTheQueueFails_Answers503()
    {
        var queue = new RecordingDeferredQueue { FailWith = new InvalidOperationException("storage is down") };
        await using var host = await StartAsync(queue);

        using var response = await host.SendSignedAsync(Button(MusicCommand.Buttons.Skip));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Theory]
    [InlineData("poll:vote:1")]
    [InlineData("musical")]
    [InlineData("")]
    public async Task UnknownButton_IsStillNoLongerInUse_AndQueuesNothing(string customId)
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await StartAsync(queue);

        using var response = await host.SendSignedAsync(Button(customId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"type":4,"data":{"content":"This button or form is no longer in use.","flags":64,"allowed_mentions":{"parse":[]}}}""",
            await response.Content.ReadAsStringAsync());
        Assert.Empty(queue.Enqueued);
    }

    private static Task<FunctionTestHost> StartAsync(RecordingDeferredQueue queue, VoiceCommand? testCommand = null) =>
        FunctionTestHost.StartAsync(configureServices: services =>
        {
            services.AddSingleton<IDeferredCommandQueue>(queue);
            if (testCommand is not null)
            {
                // A test-only voice feature, registered like music; its handler instance is there to prove it never runs.
                services.AddFeature(new SingleCommandFeature<VoiceCommand>(testCommand.Definition, testCommand));
            }
        });

    private static string Command(string name, string options) =>
        $$$"""{"type":2,"id":"{{{InteractionId}}}","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{Token}}}","version":1,"locale":"en-GB","member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"data":{"id":"7","name":"{{{name}}}","type":1,"options":{{{options}}}}}""";

    private static string Button(string customId) =>
        $$$"""{"type":3,"id":"{{{InteractionId}}}","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{Token}}}","version":1,"locale":"en-GB","member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"1048576"},"message":{"id":"900000000000000099"},"data":{"custom_id":"{{{customId}}}","component_type":2}}""";

    /// <summary>A voice command like <c>/music</c>: deferred to the companion.</summary>
    private sealed class VoiceCommand(bool ephemeral) : ICommandHandler
    {
        public const string Name = "jukebox";

        private int _executions;

        public int Executions => _executions;

        public CommandDefinition Definition { get; } = new()
        {
            Name = Name,
            Description = "Test-only voice command",
            ResponseMode = CommandResponseMode.DeferredToVoice,
            Ephemeral = ephemeral,
        };

        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _executions);
            return ValueTask.FromResult(new CommandReply("ran in the Functions app", Ephemeral: true));
        }
    }
}
