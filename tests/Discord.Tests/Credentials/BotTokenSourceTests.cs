using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;
using Serverless.Discord.Credentials;

namespace Serverless.Discord.Tests.Credentials;

public sealed class BotTokenSourceTests
{
    [Fact]
    public async Task FileSource_ReadsTheFileAgainEachTime_TrimmingTheNewline()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bot-token-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(path, "first-token\n");
            var source = new FileBotTokenSource(path);
            Assert.Equal("first-token", await source.ReadAsync(CancellationToken.None));

            await File.WriteAllTextAsync(path, "second-token\n");
            Assert.Equal("second-token", await source.ReadAsync(CancellationToken.None));
            Assert.Equal($"file {path}", source.Description);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task SettingSource_ReadsTheCurrentValue()
    {
        var monitor = new ChangingOptions(new DiscordOptions { BotToken = " a-token " });
        var source = new SettingBotTokenSource(monitor);

        Assert.Equal("a-token", await source.ReadAsync(CancellationToken.None));
        monitor.CurrentValue = new DiscordOptions { BotToken = "b-token" };
        Assert.Equal("b-token", await source.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task KeyVaultSource_ReadsTheLatestSecretVersion_WithTheCredential()
    {
        var vault = new FakeVault("kv-token-1");
        var source = new KeyVaultBotTokenSource(
            new Uri("https://bot-vault.vault.azure.net/secrets/discord-bot-token"),
            new FixedTokenCredential(),
            new SecretClientOptions { Transport = new HttpClientTransport(new HttpClient(vault)), Retry = { MaxRetries = 0 } });

        Assert.Equal("kv-token-1", await source.ReadAsync(CancellationToken.None));
        vault.Value = "kv-token-2";
        Assert.Equal("kv-token-2", await source.ReadAsync(CancellationToken.None));

        Assert.Equal("Key Vault secret https://bot-vault.vault.azure.net/secrets/discord-bot-token", source.Description);
        Assert.Contains(vault.Paths, path => path.TrimEnd('/') == "/secrets/discord-bot-token");
        Assert.Contains(vault.Authorizations, authorization => authorization == "Bearer vault-access-token");
    }

    [Fact]
    public void FromOptions_PrefersKeyVault_ThenTheFile_ThenTheSetting()
    {
        var all = new DiscordOptions { BotToken = "t", BotTokenFile = "/run/secrets/token", BotTokenSecretUri = "https://v.vault.azure.net/secrets/s" };
        Assert.IsType<KeyVaultBotTokenSource>(BotTokenSources.FromOptions(new ChangingOptions(all)));
        Assert.IsType<FileBotTokenSource>(BotTokenSources.FromOptions(new ChangingOptions(new DiscordOptions { BotToken = "t", BotTokenFile = "/run/secrets/token" })));
        Assert.IsType<SettingBotTokenSource>(BotTokenSources.FromOptions(new ChangingOptions(new DiscordOptions { BotToken = "t" })));
        Assert.Null(BotTokenSources.FromOptions(new ChangingOptions(new DiscordOptions())));
    }

    [Theory]
    [InlineData("http://v.vault.azure.net/secrets/s", "Discord__BotTokenSecretUri is malformed")]
    [InlineData("https://v.vault.azure.net/keys/s", "Discord__BotTokenSecretUri is malformed")]
    [InlineData(null, null)]
    [InlineData("https://v.vault.azure.net/secrets/s", null)]
    public void Check_NamesAMalformedSecretUri(string? uri, string? expected)
    {
        var failure = DiscordOptionsChecks.BotTokenSource(new DiscordOptions { BotTokenSecretUri = uri });
        if (expected is null)
        {
            Assert.Null(failure);
        }
        else
        {
            Assert.StartsWith(expected, failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_RefusesARefreshIntervalUnderASecond()
    {
        Assert.Equal(
            "Discord__TokenRefreshMinInterval is too short: it must be at least 00:00:01.",
            DiscordOptionsChecks.BotTokenSource(new DiscordOptions { TokenRefreshMinInterval = TimeSpan.FromMilliseconds(500) }));
        Assert.Null(DiscordOptionsChecks.BotTokenSource(new DiscordOptions { TokenRefreshMinInterval = TimeSpan.FromSeconds(1) }));
    }

    private sealed class ChangingOptions(DiscordOptions value) : IOptionsMonitor<DiscordOptions>
    {
        public DiscordOptions CurrentValue { get; set; } = value;

        public DiscordOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<DiscordOptions, string?> listener) => null;
    }

    private sealed class FixedTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("vault-access-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Key Vault's secret GET: a 401 challenge without a bearer token (as the service does), the secret with one.</summary>
    private sealed class FakeVault(string value) : HttpMessageHandler
    {
        public volatile string Value = value;

        public List<string> Paths { get; } = [];

        public List<string> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Paths)
            {
                Paths.Add(request.RequestUri!.AbsolutePath);
                Authorizations.Add(request.Headers.Authorization?.ToString() ?? "-");
            }

            if (request.Headers.Authorization is null)
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(string.Empty) };
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
                return Task.FromResult(challenge);
            }

            var json = "{\"value\":\"" + Value + "\",\"id\":\"https://bot-vault.vault.azure.net/secrets/discord-bot-token/0123456789abcdef\",\"attributes\":{\"enabled\":true}}";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
