using Serverless.Domain.Permissions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Companion;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.RateLimiting;
using Serverless.Functions.Hosting;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Support;

/// <summary>The real handler pipeline on ASP.NET Core's in-memory test server, with a fake clock and a generated key.</summary>
public sealed class HandlerTestHost : IAsyncDisposable
{
    public const string ApplicationId = "100000000000000001";

    private HandlerTestHost(WebApplication app, InteractionSigner signer, FakeTimeProvider time, InMemoryScheduledPostStore scheduledPosts, InMemoryCompanionHeartbeatStore heartbeats)
    {
        App = app;
        Signer = signer;
        Time = time;
        ScheduledPosts = scheduledPosts;
        Heartbeats = heartbeats;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public InteractionSigner Signer { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public InMemoryScheduledPostStore ScheduledPosts { get; }

    /// <summary>Where a test plays the companion: what it writes here is what <c>/status</c> and healthz read.</summary>
    public InMemoryCompanionHeartbeatStore Heartbeats { get; }

    /// <param name="configureServices">Replaces services after the app's own registrations, e.g. a port's test double.</param>
    public static async Task<HandlerTestHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var signer = new InteractionSigner();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var builder = HandlerApp.CreateBuilder([]);
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = ApplicationId,
            ["Discord:PublicKey"] = signer.PublicKeyHex,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(time);

        // No Azurite here: rate-limit state and scheduled posts stay in memory rather than failing over from an absent account.
        builder.Services.AddSingleton<IRateLimitStore>(new InMemoryRateLimitStore());
        var scheduledPosts = new InMemoryScheduledPostStore();
        builder.Services.AddSingleton<IScheduledPostStore>(scheduledPosts);
        builder.Services.AddSingleton<IChannelPostingCheck>(new ScriptedChannelPostingCheck());
        builder.Services.AddSingleton<IMemberPermissionLookup>(new ScriptedMemberPermissions());
        var heartbeats = new InMemoryCompanionHeartbeatStore();
        builder.Services.AddSingleton<ICompanionHeartbeatStore>(heartbeats);
        configureServices?.Invoke(builder.Services);
        var app = HandlerApp.Build(builder);
        await app.StartAsync();
        return new HandlerTestHost(app, signer, time, scheduledPosts, heartbeats);
    }

    public Task<HttpResponseMessage> SendSignedAsync(string body) =>
        Client.SendAsync(Signer.SignedRequest(body, Time.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Signer.Dispose();
    }
}
