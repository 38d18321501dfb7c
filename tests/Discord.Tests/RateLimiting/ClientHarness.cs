using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Ports.RateLimiting;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.RateLimiting;

/// <summary>A <see cref="DiscordRestClient"/> built the production way, over a <see cref="FakeDiscord"/> and a fake clock.</summary>
internal sealed class ClientHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public ClientHarness(Action<DiscordRateLimitOptions>? configure = null, IRateLimitStore? store = null, FakeTimeProvider? clock = null, string? apiBaseUrl = null, string? botToken = null, InFlight? inFlight = null, Func<TimeProvider, DiscordCredentials>? credentials = null)
    {
        InFlightWork = inFlight ?? new InFlight();
        Clock = clock ?? new FakeTimeProvider(Start);
        Discord = new FakeDiscord(Clock);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Logs);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        if (store is not null)
        {
            Store = new CountingStore(store, InFlightWork);
            services.AddSingleton<IRateLimitStore>(Store);
        }

        if (credentials is not null)
        {
            services.AddSingleton(credentials(Clock));
        }

        services.Configure<DiscordOptions>(options =>
        {
            options.BotToken = botToken ?? "test-token";
            options.ApiBaseUrl = apiBaseUrl ?? "http://discord.test/api/v10";
        });
        services.Configure<DiscordRateLimitOptions>(options => configure?.Invoke(options));
        var http = services.AddDiscordRest(new ConfigurationBuilder().Build());
        // The fake clock stands still while a call is in Discord's hands, fake or real: the time a call is recorded at
        // is then the time it was sent at, however slow this machine is.
        http.ConfigurePrimaryHttpMessageHandler(() => new CountingHandler(InFlightWork) { InnerHandler = apiBaseUrl is null ? Discord : new SocketsHttpHandler() });
        _provider = services.BuildServiceProvider();
        Client = _provider.GetRequiredService<DiscordRestClient>();
    }

    public FakeTimeProvider Clock { get; }

    public FakeDiscord Discord { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public DiscordRestClient Client { get; }

    /// <summary>The store as the client sees it, when the test gave one.</summary>
    public CountingStore? Store { get; private set; }

    /// <summary>Real I/O under way (HTTP to the sandbox, storage calls): the fake clock stands still meanwhile.</summary>
    public InFlight InFlightWork { get; }

    public DiscordTokenState TokenState => _provider.GetRequiredService<DiscordTokenState>();

    /// <summary>A service of the client's container (the metrics, the budget).</summary>
    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Moves the fake clock in small steps until <paramref name="task"/> ends; only the fake clock decides waits.</summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan? step = null, int maxSteps = 20_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            // Let the continuations that the last advance released run before moving on.
            await Task.WhenAny(task, Task.Delay(2));
            if (!task.IsCompleted && InFlightWork.Count == 0)
            {
                Clock.Advance(step ?? TimeSpan.FromMilliseconds(50));
            }
        }

        return await task;
    }

    public async Task DriveAsync(Task task, TimeSpan? step = null) => await DriveAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default), step);

    public void Dispose() => _provider.Dispose();
}
