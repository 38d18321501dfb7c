using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Sandbox.Tests.TestSupport;

/// <summary>What the fake bot received: the raw body and the signature headers, untouched.</summary>
public sealed record BotRequest(byte[] RawBody, string Body, string? Signature, string? Timestamp, string? ContentType);

/// <summary>A tiny bot on loopback Kestrel that records each interaction and answers as the test scripts it.</summary>
public sealed class FakeBot : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<BotRequest> _requests = new();

    private FakeBot(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<BotRequest> Requests => [.. _requests];

    /// <summary>Answers every interaction with 200 and <paramref name="json"/>.</summary>
    public static Task<FakeBot> AnsweringAsync(string json) =>
        StartAsync((_, _) => Task.FromResult(Results.Content(json, "application/json")));

    public static async Task<FakeBot> StartAsync(Func<BotRequest, HttpContext, Task<IResult>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var bot = new FakeBot(app);
        app.MapPost("/api/interactions", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var raw = buffer.ToArray();
            var request = new BotRequest(
                raw,
                System.Text.Encoding.UTF8.GetString(raw),
                context.Request.Headers["X-Signature-Ed25519"].FirstOrDefault(),
                context.Request.Headers["X-Signature-Timestamp"].FirstOrDefault(),
                context.Request.ContentType);
            bot._requests.Enqueue(request);
            return await respond(request, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        bot.Url = new Uri(address.TrimEnd('/') + "/api/interactions");
        return bot;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
