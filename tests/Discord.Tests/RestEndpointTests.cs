using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Json;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.RateLimiting;
using Serverless.Sandbox;

namespace Serverless.Discord.Tests;

/// <summary>The typed client's endpoints against the Sandbox over real HTTP, and tolerant reading of Discord's answers.</summary>
public sealed class RestEndpointTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(ClientHarness.Start);
    private SandboxServer _sandbox = null!;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = _clock });

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task CreateMessage_SameNonceTwice_PostsOnce()
    {
        using var harness = Harness();
        var message = new MessageCreatePayload { Content = "hello", Nonce = "post-7-1", EnforceNonce = true };

        var first = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, message));
        var second = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, message));

        Assert.Equal(first.Id, second.Id);
        Assert.Single(_sandbox.State.ChannelMessages(SandboxDefaults.ChannelId));
        Assert.All(_sandbox.Calls.Where(c => c.Method == "POST"), call => Assert.True(call.HasAuthorization));
    }

    [Fact]
    public async Task EditThenDeleteMessage_ChangesThenRemovesIt()
    {
        using var harness = Harness();
        var posted = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, new MessageCreatePayload { Content = "v1" }));

        var edited = await harness.DriveAsync(harness.Client.EditMessageAsync(SandboxDefaults.ChannelId, posted.Id, new MessageEditPayload { Content = "v2" }));
        await harness.DriveAsync(harness.Client.DeleteMessageAsync(SandboxDefaults.ChannelId, posted.Id));
        var gone = await Assert.ThrowsAsync<DiscordApiException>(() =>
            harness.DriveAsync(harness.Client.EditMessageAsync(SandboxDefaults.ChannelId, posted.Id, new MessageEditPayload { Content = "v3" })));

        Assert.Equal("v2", edited.Content);
        Assert.Equal(DiscordErrorCodes.UnknownMessage, gone.ErrorCode);
    }

    [Fact]
    public async Task GatewayBot_ReadsTheSessionStartLimit()
    {
        using var harness = Harness();

        var gateway = await harness.DriveAsync(harness.Client.GetGatewayBotAsync());

        Assert.StartsWith("ws", gateway.Url, StringComparison.Ordinal);
        Assert.True(gateway.Shards >= 1);
        Assert.NotNull(gateway.SessionStartLimit);
    }

    [Fact]
    public void Samples_WithUnknownFields_AreRead()
    {
        var message = JsonSerializer.Deserialize(Sample("message.json"), DiscordJsonContext.Default.MessagePayload)!;
        var gateway = JsonSerializer.Deserialize(Sample("gateway-bot.json"), DiscordJsonContext.Default.GatewayBotPayload)!;

        Assert.Equal(1334567890123456789UL, message.Id);
        Assert.Equal(100000000000000020UL, message.ChannelId);
        Assert.Equal(4096, (int)message.Flags!.Value);
        Assert.Equal(9, gateway.Shards);
        Assert.Equal(14400000, gateway.SessionStartLimit!.ResetAfter);
        Assert.Equal(1, gateway.SessionStartLimit.MaxConcurrency);
    }

    private ClientHarness Harness() => new(
        options => options.StoreTimeout = TimeSpan.FromHours(1),
        clock: _clock,
        apiBaseUrl: _sandbox.ApiBaseUrl,
        botToken: _sandbox.BotToken);

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name));
}
