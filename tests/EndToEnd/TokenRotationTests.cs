using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Gateway;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The Sandbox revokes the bot token and accepts a new one, which the operator writes to the mounted secret file: the
/// Functions app and the companion each recover without a restart.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FunctionsTokenRotationTests(TokenFileBotEnvironment bot) : IClassFixture<TokenFileBotEnvironment>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RotatedToken_WrittenToTheFile_IsUsedAfterOne401_WithoutARestart()
    {
        using var client = new HttpClient();
        var detail = new Uri($"{bot.Host.BaseUrl}/api/healthz/detail?code={bot.HostKey}");
        Assert.Equal("ok", await DiscordStatusAsync(client, detail));

        var rotated = bot.Discord.RotateBotToken("rotated-functions-token");
        await File.WriteAllTextAsync(bot.TokenFile, rotated + "\n");
        bot.Discord.ClearCalls();

        // Past the probe cache (a second here), the probe asks Discord again: refused, re-read, retried.
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        Assert.Equal("ok", await DiscordStatusAsync(client, detail));

        var calls = bot.Discord.Calls.Where(call => call.Path == "/users/@me").Select(call => call.StatusCode).ToList();
        Assert.Equal([401, 200], calls);
        Assert.Contains(bot.Logs.Lines, line => line.Contains("re-read it from file", StringComparison.Ordinal) && line.Contains("recovered", StringComparison.Ordinal));
        Assert.DoesNotContain(bot.Logs.Lines, line => line.Contains(rotated, StringComparison.Ordinal));
    }

    private static async Task<string?> DiscordStatusAsync(HttpClient client, Uri detail)
    {
        using var response = await client.GetAsync(detail);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("discord").GetProperty("status").GetString();
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class CompanionTokenRotationTests(TokenFileMusicEnvironment music) : IClassFixture<TokenFileMusicEnvironment>
{
    [Fact]
    public async Task RotatedToken_ClosesTheSessionWith4004_ThenTheCompanionIdentifiesWithTheNewTokenFromTheFile()
    {
        var first = await music.Discord.Gateway.WaitForSessionAsync(null, MusicEnvironment.Patience);

        var rotated = music.Discord.RotateBotToken("rotated-companion-token");
        var ended = await music.Discord.Gateway.WaitForConnectionEndedAsync(end => end.CloseCode == 4004, MusicEnvironment.Patience);
        Assert.Equal(GatewayCloseInitiator.Server, ended.InitiatedBy);

        // The companion has read the file once at the 4004 and found the old token: not ready, no new IDENTIFY.
        await WaitUntilAsync(async () => (await music.Companion.HealthAsync()) is { } health && health.GetProperty("status").GetString() != "ok");
        var identifiesBefore = music.Discord.Gateway.IdentifyCount;

        await File.WriteAllTextAsync(music.TokenFile, rotated + "\n");

        var second = await music.Discord.Gateway.WaitForSessionAsync(start => start.SessionId != first.SessionId && !start.Resumed, MusicEnvironment.Patience);
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.True(music.Discord.Gateway.IdentifyCount > identifiesBefore);
        await music.Companion.WaitUntilReadyAsync(MusicEnvironment.Patience);
        Assert.DoesNotContain(music.Companion.Output, line => line.Contains(rotated, StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + MusicEnvironment.Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(100);
        }
    }
}

/// <summary>The bot reads its token from a file (a mounted secret volume), as after a rotation the operator updates it.</summary>
public sealed class TokenFileBotEnvironment : BotEnvironment
{
    public string TokenFile { get; } = Path.Combine(Path.GetTempPath(), $"bot-token-{Guid.NewGuid():N}");

    protected override IReadOnlyDictionary<string, string?> ExtraSettings()
    {
        File.WriteAllText(TokenFile, Discord.BotToken + "\n");
        // The file wins over Discord__BotToken, which stays at the token the Sandbox will revoke.
        return new Dictionary<string, string?> { ["Discord__BotTokenFile"] = TokenFile };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(TokenFile);
    }
}

/// <summary>The companion reads its token from a file, re-read every second after a refusal (the default is a minute).</summary>
public sealed class TokenFileMusicEnvironment : MusicEnvironment
{
    public string TokenFile { get; } = Path.Combine(Path.GetTempPath(), $"companion-token-{Guid.NewGuid():N}");

    protected override Dictionary<string, string> CompanionSettings()
    {
        File.WriteAllText(TokenFile, Discord.BotToken + "\n");
        var settings = base.CompanionSettings();
        settings.Remove("Discord__BotToken");
        settings["Discord__BotTokenFile"] = TokenFile;
        settings["Discord__TokenRefreshMinInterval"] = "00:00:01";
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(TokenFile);
    }
}
