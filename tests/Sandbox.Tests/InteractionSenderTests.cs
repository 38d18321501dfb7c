using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NSec.Cryptography;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class InteractionSenderTests
{
    [Fact]
    public async Task SendCommand_SignatureVerifiesAgainstPublicKey_AndFailsForAChangedBody()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"Pong!"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);

        await sandbox.Interactions.SendCommandAsync(new CommandInteraction { Name = "ping" }, cancellationToken: TestContext.Token);

        var request = Assert.Single(bot.Requests);
        var publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(sandbox.PublicKeyHex), KeyBlobFormat.RawPublicKey);
        var signature = Convert.FromHexString(request.Signature!);
        var signed = Encoding.ASCII.GetBytes(request.Timestamp!).Concat(request.RawBody).ToArray();
        Assert.True(SignatureAlgorithm.Ed25519.Verify(publicKey, signed, signature));

        var tampered = Encoding.ASCII.GetBytes(request.Timestamp!).Concat(Encoding.UTF8.GetBytes(request.Body.Replace("ping", "pong", StringComparison.Ordinal))).ToArray();
        Assert.False(SignatureAlgorithm.Ed25519.Verify(publicKey, tampered, signature));
    }

    [Fact]
    public async Task SendCommand_TimestampHeader_IsUnixSecondsOfTheSandboxClock()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url);

        await sandbox.SendCommandAsync(bot);

        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Assert.Single(bot.Requests).Timestamp);
        Assert.Equal("application/json", Assert.Single(bot.Requests).ContentType);
    }

    [Fact]
    public async Task SendCommand_BuildsADiscordShapedGuildInteraction_WithDefaultsAndOptions()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        var command = new CommandInteraction
        {
            Name = "play",
            Options = { CommandOption.String("query", "never gonna"), CommandOption.Integer("count", 2), CommandOption.Boolean("loud", true) },
        };

        var sent = await sandbox.Interactions.SendCommandAsync(command, cancellationToken: TestContext.Token);

        using var json = JsonDocument.Parse(Assert.Single(bot.Requests).Body);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("type").GetInt32());
        Assert.Equal(sent.InteractionId.ToString(CultureInfo.InvariantCulture), root.GetProperty("id").GetString());
        Assert.Equal(sent.Token, root.GetProperty("token").GetString());
        Assert.Equal(sandbox.ApplicationId.ToString(CultureInfo.InvariantCulture), root.GetProperty("application_id").GetString());
        Assert.Equal(sandbox.Interactions.DefaultGuildId.ToString(CultureInfo.InvariantCulture), root.GetProperty("guild_id").GetString());
        Assert.Equal(sandbox.Interactions.DefaultChannelId.ToString(CultureInfo.InvariantCulture), root.GetProperty("channel_id").GetString());
        Assert.Equal(sandbox.Interactions.DefaultUserId.ToString(CultureInfo.InvariantCulture), root.GetProperty("member").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var data = root.GetProperty("data");
        Assert.Equal("play", data.GetProperty("name").GetString());
        var options = data.GetProperty("options");
        Assert.Equal("never gonna", options[0].GetProperty("value").GetString());
        Assert.Equal(3, options[0].GetProperty("type").GetInt32());
        Assert.Equal(2, options[1].GetProperty("value").GetInt64());
        Assert.True(options[2].GetProperty("value").GetBoolean());
    }

    [Fact]
    public async Task SendCommand_InADirectMessage_SendsUserInsteadOfMember()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);

        await sandbox.Interactions.SendCommandAsync(new CommandInteraction { Name = "help", GuildId = null }, cancellationToken: TestContext.Token);

        using var json = JsonDocument.Parse(Assert.Single(bot.Requests).Body);
        Assert.False(json.RootElement.TryGetProperty("member", out _));
        Assert.False(json.RootElement.TryGetProperty("guild_id", out _));
        Assert.Equal(SandboxDefaults.UserId.ToString(CultureInfo.InvariantCulture), json.RootElement.GetProperty("user").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Ids_AreSnowflakesFromTheSandboxClock_AndTokensAreFreshAndUrlSafe()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.AnsweringAsync("""{"type":1}""");
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url);

        var first = await sandbox.Interactions.SendPingAsync(cancellationToken: TestContext.Token);
        var second = await sandbox.Interactions.SendPingAsync(cancellationToken: TestContext.Token);

        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() - 1420070400000, (long)(first.InteractionId >> 22));
        Assert.True(second.InteractionId > first.InteractionId);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Matches("^[A-Za-z0-9_-]{40,}$", first.Token);
    }

    [Fact]
    public async Task SendPing_ReportsTheBotsAnswer()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":1}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);

        var sent = await sandbox.Interactions.SendPingAsync(cancellationToken: TestContext.Token);

        Assert.Equal(200, sent.StatusCode);
        Assert.Equal(1, sent.ResponseType);
        Assert.Equal("""{"type":1}""", sent.ResponseBody);
        Assert.Equal(1, sent.ResponseJson!.Value.GetProperty("type").GetInt32());
        using var json = JsonDocument.Parse(Assert.Single(bot.Requests).Body);
        Assert.Equal(1, json.RootElement.GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task SendRaw_SignedIncorrectly_LetsTheBotsRejectionBeSeen()
    {
        await using var bot = await FakeBot.StartAsync((request, _) => Task.FromResult(
            request.Signature is null ? Results.StatusCode(401) : Results.Content("""{"type":1}""", "application/json")));
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        var publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(sandbox.PublicKeyHex), KeyBlobFormat.RawPublicKey);

        await sandbox.Interactions.SendRawAsync("""{"type":1}""", new RawInteractionOptions { SignCorrectly = false }, cancellationToken: TestContext.Token);
        var unsigned = await sandbox.Interactions.SendRawAsync("""{"type":1}""", new RawInteractionOptions { OmitSignatureHeaders = true }, cancellationToken: TestContext.Token);

        var misSigned = bot.Requests[0];
        Assert.Equal(128, misSigned.Signature!.Length);
        Assert.False(SignatureAlgorithm.Ed25519.Verify(
            publicKey, Encoding.ASCII.GetBytes(misSigned.Timestamp!).Concat(misSigned.RawBody).ToArray(), Convert.FromHexString(misSigned.Signature)));
        Assert.Equal(401, unsigned.StatusCode);
        Assert.Null(bot.Requests[1].Timestamp);
    }

    [Fact]
    public async Task SendCommand_WhenTheBotIsUnreachable_ReportsAnErrorInsteadOfThrowing()
    {
        await using var sandbox = await Sandboxes.StartAsync();

        var sent = await sandbox.Interactions.SendCommandAsync(new CommandInteraction { Name = "ping" }, new Uri("http://127.0.0.1:9/api/interactions"), TestContext.Token);

        Assert.Equal(0, sent.StatusCode);
        Assert.Contains("127.0.0.1:9", sent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommand_AnsweredAfterTheDeadline_IsFlagged_AndTheTokenDies()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.StartAsync((_, _) =>
        {
            // The bot "takes" 4 s on the sandbox's clock.
            clock.Advance(TimeSpan.FromSeconds(4));
            return Task.FromResult(Results.Content("""{"type":5}""", "application/json"));
        });
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);

        var sent = await sandbox.SendCommandAsync(bot);
        using var response = await api.GetAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", TestContext.Token);

        Assert.True(sent.DeadlineExceeded);
        Assert.True(sandbox.State.GetInteraction(sent.Token)!.Invalidated);
        Assert.Null(sandbox.State.GetOriginal(sent.Token));
        Assert.Equal(StatusCodes.Status404NotFound, (int)response.StatusCode);
    }
}
