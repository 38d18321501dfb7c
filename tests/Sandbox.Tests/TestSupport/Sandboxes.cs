using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;

namespace Serverless.Sandbox.Tests.TestSupport;

internal static class Sandboxes
{
    /// <summary>A fixed, recent start: snowflakes and signature timestamps then look like Discord's.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    public static FakeTimeProvider NewClock() => new(Start);

    public static Task<SandboxServer> StartAsync(TimeProvider? time = null, Uri? botUrl = null, SandboxRateLimitOptions? rateLimits = null, SandboxGatewayOptions? gateway = null) =>
        SandboxServer.StartAsync(
            new SandboxOptions
            {
                TimeProvider = time ?? NewClock(),
                BotInteractionsUrl = botUrl ?? new Uri("http://127.0.0.1:9/api/interactions"),
                RateLimits = rateLimits ?? new SandboxRateLimitOptions(),
                Gateway = gateway ?? new SandboxGatewayOptions(),
            },
            TestContext.Token);

    /// <summary>A client for the sandbox's Discord API, optionally sending the bot's token.</summary>
    public static HttpClient Api(SandboxServer sandbox, bool asBot = true)
    {
        var client = new HttpClient { BaseAddress = new Uri(sandbox.ApiBaseUrl + "/") };
        if (asBot)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bot", sandbox.BotToken);
        }

        return client;
    }

    public static HttpClient Control(SandboxServer sandbox) => new() { BaseAddress = new Uri(sandbox.BaseUrl + "/") };

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Token);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    /// <summary>Sends a command through the sandbox (<paramref name="name"/>) to <paramref name="bot"/>; returns the result.</summary>
    public static Task<SentInteraction> SendCommandAsync(this SandboxServer sandbox, FakeBot bot, string name = "ping") =>
        sandbox.Interactions.SendCommandAsync(new CommandInteraction { Name = name }, bot.Url, TestContext.Token);
}

/// <summary>The running test's cancellation token (xunit 2 has none built in).</summary>
internal static class TestContext
{
    public static CancellationToken Token => CancellationToken.None;
}
