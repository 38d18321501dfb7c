using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.Gateway;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.Credentials;

public sealed class DiscordCredentialsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();

    private DiscordCredentials Create(ChangingTokenSource source) =>
        new(source, _clock, Interval, new Logger<DiscordCredentials>(new ProviderLoggerFactory(_logs)));

    [Fact]
    public async Task FirstUse_ReadsTheSource_Once()
    {
        var source = new ChangingTokenSource("old");
        var credentials = Create(source);

        Assert.Null(credentials.BotToken);
        Assert.Equal("old", await credentials.GetBotTokenAsync(CancellationToken.None));
        Assert.Equal("old", await credentials.GetBotTokenAsync(CancellationToken.None));
        Assert.Equal(1, source.Reads);
        Assert.Equal("old", credentials.BotToken);
    }

    [Fact]
    public async Task Refusal_WithANewTokenInTheSource_SwitchesToIt_WithoutLoggingEitherToken()
    {
        var source = new ChangingTokenSource("old-secret-1");
        var credentials = Create(source);
        await credentials.GetBotTokenAsync(CancellationToken.None);
        source.Token = "rotated-secret-2";

        Assert.True(await credentials.RefreshAfterUnauthorizedAsync("old-secret-1", CancellationToken.None));

        Assert.Equal("rotated-secret-2", credentials.BotToken);
        Assert.False(credentials.IsKnownRejected("rotated-secret-2"));
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2151 && entry.Message.Contains("the test's source", StringComparison.Ordinal));
        Assert.All(_logs.Lines, line => Assert.DoesNotContain("secret-", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusal_ReadsTheSourceAtMostOncePerInterval_AndTheSameTokenCounts()
    {
        var source = new ChangingTokenSource("old");
        var credentials = Create(source);
        await credentials.GetBotTokenAsync(CancellationToken.None);

        Assert.False(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));
        Assert.Equal(2, source.Reads);
        Assert.True(credentials.IsKnownRejected("old"));
        Assert.Equal(_clock.GetUtcNow() + Interval, credentials.NextRefreshAt);

        // A new token is there now, but the last read is less than a minute old: no read, still refused.
        source.Token = "new";
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));
        Assert.Equal(2, source.Reads);
        Assert.True(credentials.IsKnownRejected("old"));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(credentials.IsKnownRejected("old"));
        Assert.True(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));
        Assert.Equal(3, source.Reads);
        Assert.Equal("new", credentials.BotToken);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2152 && entry.Level == LogLevel.Error);
    }

    [Fact]
    public async Task ConcurrentRefusals_ShareOneRead()
    {
        var source = new ChangingTokenSource("old");
        var credentials = Create(source);
        await credentials.GetBotTokenAsync(CancellationToken.None);
        source.Token = "new";
        source.Hold();

        var refreshes = Enumerable.Range(0, 8).Select(_ => credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None)).ToArray();
        source.Release();
        var results = await Task.WhenAll(refreshes).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(results, Assert.True);
        Assert.Equal(2, source.Reads);
        Assert.Equal("new", credentials.BotToken);
    }

    [Fact]
    public async Task RefusalOfAnOlderToken_AfterAnotherCallerRenewed_IsTrue_WithoutARead()
    {
        var source = new ChangingTokenSource("old");
        var credentials = Create(source);
        await credentials.GetBotTokenAsync(CancellationToken.None);
        source.Token = "new";
        Assert.True(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));

        Assert.True(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public async Task ASourceThatFails_CountsAsNoNewToken_AndLogsTheErrorTypeOnly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-token-{Guid.NewGuid():N}");
        var credentials = new DiscordCredentials(new Serverless.Discord.Credentials.FileBotTokenSource(path), _clock, Interval, new Logger<DiscordCredentials>(new ProviderLoggerFactory(_logs)));

        await Assert.ThrowsAsync<DiscordApiException>(() => credentials.GetBotTokenAsync(CancellationToken.None));
        Assert.False(await credentials.RefreshAfterUnauthorizedAsync("old", CancellationToken.None));
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2153 && entry.Message.Contains("FileNotFoundException", StringComparison.Ordinal));
    }

    [Fact]
    public void AFixedToken_CannotRotate()
    {
        Assert.False(new DiscordCredentials("fixed").CanRotate);
        Assert.False(new DiscordCredentials((string?)null).IsConfigured);
        Assert.True(Create(new ChangingTokenSource("t")).CanRotate);
    }
}
