using System.Text.Json;
using Serverless.Ops.Commands;
using Serverless.Sandbox.Hosting;

namespace Serverless.Ops.Tests;

/// <summary><c>bot-ops token verify</c> against the Sandbox, with the token from the setting or from a file.</summary>
public sealed class TokenCliTests : IAsyncLifetime
{
    private SandboxServer _sandbox = null!;

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task Verify_PrintsTheBotUser_AndNeverTheToken()
    {
        var run = await OpsRun.RunAsync(OpsRun.EnvironmentFor(_sandbox), "token", "verify");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("Discord accepts the bot token from setting Discord__BotToken.", run.OutputLines[0]);
        Assert.StartsWith($"Bot user: {_sandbox.BotUserId} (", run.OutputLines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.BotToken, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains(_sandbox.Calls, call => call.Path == "/users/@me" && call.StatusCode == 200);
    }

    [Fact]
    public async Task Verify_ReadsTheTokenFile_AfterARotation_AsJson()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bot-token-{Guid.NewGuid():N}");
        try
        {
            var rotated = _sandbox.RotateBotToken("MTIzNDU2Nzg5MDEyMzQ1Njc4.rotated.secret-part");
            await File.WriteAllTextAsync(file, rotated + "\n");
            var environment = OpsRun.EnvironmentFor(_sandbox, botToken: "stale-setting-token");
            environment["Discord__BotTokenFile"] = file;

            var run = await OpsRun.RunAsync(environment, "token", "verify", "--output", "json");

            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            using var json = JsonDocument.Parse(run.Output);
            Assert.True(json.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal($"file {file}", json.RootElement.GetProperty("source").GetString());
            Assert.Equal(_sandbox.BotUserId.ToString(System.Globalization.CultureInfo.InvariantCulture), json.RootElement.GetProperty("userId").GetString());
            Assert.Equal("123456789012345678", json.RootElement.GetProperty("tokenUserId").GetString());
            Assert.DoesNotContain("secret-part", run.Output + run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Verify_ARevokedToken_ExitsThree_SayingDiscordRefusedIt()
    {
        var revoked = _sandbox.BotToken;
        _sandbox.RotateBotToken();

        var run = await OpsRun.RunAsync(OpsRun.EnvironmentFor(_sandbox, revoked), "token", "verify");

        Assert.Equal(ExitCodes.ServiceOrNetwork, run.ExitCode);
        Assert.StartsWith("Discord refused the token (401): ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.DoesNotContain(revoked, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Single(_sandbox.Calls, call => call.Path == "/users/@me");
    }

    [Theory]
    [InlineData("MTIzNDU2Nzg5MDEyMzQ1Njc4.Gxyz.secret", 123456789012345678UL)]
    [InlineData("sandbox-bot-token-not-a-secret", null)]
    [InlineData("bm90LWEtbnVtYmVy.a.b", null)]
    public void TokenUserId_ReadsOnlyTheFirstSegmentOfADiscordShapedToken(string token, ulong? expected) =>
        Assert.Equal(expected, TokenCommand.TokenUserId(token));
}
