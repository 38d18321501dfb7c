using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Interactions;

/// <summary>
/// A button registered with <see cref="FeatureBuilder.AddInlineComponent{THandler}"/> is answered in the request (a
/// form, type 9, as Discord accepts only then), nothing queued; a failing handler still gets an ephemeral answer.
/// </summary>
public sealed class InlineComponentTests : IAsyncLifetime
{
    private const string Token = "aW5saW5lLXRva2Vu";
    private readonly RecordingDeferredQueue _queue = new();
    private FunctionTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await FunctionTestHost.StartAsync(
            new Dictionary<string, string?> { ["Discord:BotToken"] = "test-bot-token", ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10" },
            (services, configuration) =>
            {
                services.AddFeature(new AskFeature(), configuration);
                services.AddSingleton<IDeferredCommandQueue>(_queue);
            });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AnInlineButton_OpensItsForm_InTheResponse_AndQueuesNothing()
    {
        using var response = await _host.SendSignedAsync(Button("ask:open"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(9, body.RootElement.GetProperty("type").GetInt32());
        Assert.Equal("ask:form", body.RootElement.GetProperty("data").GetProperty("custom_id").GetString());
        Assert.Empty(_queue.Enqueued);
    }

    [Fact]
    public async Task AFailingInlineButton_GetsAnEphemeralApology()
    {
        using var response = await _host.SendSignedAsync(Button("ask:fail"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, body.RootElement.GetProperty("type").GetInt32());
        Assert.Equal(64, body.RootElement.GetProperty("data").GetProperty("flags").GetInt32());
        Assert.Contains("Something went wrong", body.RootElement.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Empty(_queue.Enqueued);
    }

    private string Button(string customId)
    {
        var id = ((ulong)(_host.Time.GetUtcNow().ToUnixTimeMilliseconds() - 1420070400000) << 22).ToString(CultureInfo.InvariantCulture);
        return $$$"""{"type":3,"id":"{{{id}}}","application_id":"{{{FunctionTestHost.ApplicationId}}}","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{Token}}}","version":1,"member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"0"},"message":{"id":"900000000000000099"},"data":{"custom_id":"{{{customId}}}","component_type":2}}""";
    }

    private sealed class AskFeature : IFeatureModule
    {
        public string Name => "ask";

        public void Register(FeatureBuilder feature) => feature.AddInlineComponent<AskButton>("ask:");
    }

    private sealed class AskButton : ICommandHandler
    {
        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            invocation.Options[InteractionRoute.ComponentOption] == "ask:fail"
                ? throw new InvalidOperationException("broken")
                : ValueTask.FromResult(CommandReply.WithModal(new ModalPrompt("ask:form", "Ask", [new ModalTextInput("q", "Question")])));
    }
}
