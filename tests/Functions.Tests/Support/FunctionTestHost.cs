using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Permissions;
using Serverless.Functions.Hosting;
using Serverless.Ports.RateLimiting;
using Serverless.TestSupport;
using Serverless.TestSupport.Controls;

namespace Serverless.Functions.Tests.Support;

/// <summary>
/// The app's services and its very <c>[Function]</c> classes on ASP.NET Core's in-memory test server, with a fake clock
/// and a generated key. HTTP functions are routed from their <see cref="HttpTriggerAttribute"/> and host.json's route
/// prefix, as the worker's ASP.NET Core integration routes them; the rest are run with <see cref="RunAsync{TFunction}"/>.
/// Each invocation gets a fresh function instance from the services, as the worker's activator makes one.
/// </summary>
public sealed class FunctionTestHost : IAsyncDisposable
{
    public const string ApplicationId = "100000000000000001";

    private FunctionTestHost(WebApplication app, InteractionSigner signer, FakeTimeProvider time, InMemoryScheduledPostStore scheduledPosts, InMemoryCompanionHeartbeatStore heartbeats, CapturingLoggerProvider logs)
    {
        App = app;
        Signer = signer;
        Time = time;
        ScheduledPosts = scheduledPosts;
        Heartbeats = heartbeats;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public InteractionSigner Signer { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public InMemoryScheduledPostStore ScheduledPosts { get; }

    /// <summary>Where a test plays the companion: what it writes here is what <c>/status</c> and healthz read.</summary>
    public InMemoryCompanionHeartbeatStore Heartbeats { get; }

    /// <summary>Everything the app logged, as the worker would forward it to the host.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <param name="configureServices">Replaces services after the app's own registrations, e.g. a port's test double.</param>
    public static Task<FunctionTestHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null) =>
        StartAsync(settings, (services, _) => configureServices?.Invoke(services));

    /// <param name="configureServices">
    /// Adds or replaces services after the app's own registrations, with the app's configuration (such as a feature
    /// whose options are bound from it).
    /// </param>
    public static async Task<FunctionTestHost> StartAsync(IDictionary<string, string?>? settings, Action<IServiceCollection, IConfiguration> configureServices)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var signer = new InteractionSigner();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder();
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

        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddFunctionApp(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(time);

        // No Azurite here: rate-limit state and scheduled posts stay in memory rather than failing over from an absent account.
        builder.Services.AddSingleton<IRateLimitStore>(new InMemoryRateLimitStore());
        builder.Services.AddSingleton<ICommandLimitStore>(new InMemoryCommandLimitStore());
        builder.Services.AddSingleton<IOperatorControlStore>(new InMemoryOperatorControlStore());
        var scheduledPosts = new InMemoryScheduledPostStore();
        builder.Services.AddSingleton<IScheduledPostStore>(scheduledPosts);
        builder.Services.AddSingleton<IChannelPostingCheck>(new ScriptedChannelPostingCheck());
        builder.Services.AddSingleton<IMemberPermissionLookup>(new ScriptedMemberPermissions());
        var heartbeats = new InMemoryCompanionHeartbeatStore();
        builder.Services.AddSingleton<ICompanionHeartbeatStore>(heartbeats);
        configureServices(builder.Services, builder.Configuration);

        var app = builder.Build();
        Assert.Empty(FunctionAppServices.ValidateConfiguration(app.Services));
        MapHttpFunctions(app, ReadRoutePrefix());
        await app.StartAsync();
        return new FunctionTestHost(app, signer, time, scheduledPosts, heartbeats, logs);
    }

    /// <summary>Every HTTP-triggered <c>[Function]</c> of the app: name, route (without prefix), methods and auth level.</summary>
    public static IReadOnlyList<HttpFunction> HttpFunctions() =>
        [.. typeof(FunctionAppServices).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Function: method.GetCustomAttribute<FunctionAttribute>()))
            .Where(entry => entry.Function is not null)
            .SelectMany(entry => entry.Method.GetParameters()
                .Select(parameter => parameter.GetCustomAttribute<HttpTriggerAttribute>())
                .OfType<HttpTriggerAttribute>()
                .Select(trigger => new HttpFunction(entry.Function!.Name, entry.Method, trigger.Route ?? entry.Function.Name, trigger.Methods ?? [], trigger.AuthLevel)))];

    /// <summary>Runs a non-HTTP function once, on a fresh instance of its class.</summary>
    public Task RunAsync<TFunction>(Func<TFunction, Task> invoke)
        where TFunction : class
    {
        ArgumentNullException.ThrowIfNull(invoke);
        return invoke(ActivatorUtilities.CreateInstance<TFunction>(App.Services));
    }

    public Task<HttpResponseMessage> SendSignedAsync(string body) =>
        Client.SendAsync(Signer.SignedRequest(body, Time.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Signer.Dispose();
        Logs.Dispose();
    }

    private static void MapHttpFunctions(WebApplication app, string routePrefix)
    {
        foreach (var function in HttpFunctions())
        {
            var method = function.Method;
            app.MapMethods($"/{routePrefix}/{function.Route}", [.. function.Methods.Select(m => m.ToUpperInvariant())], async context =>
            {
                var instance = ActivatorUtilities.CreateInstance(context.RequestServices, method.DeclaringType!);
                var result = await (Task<IResult>)method.Invoke(instance, [context.Request])!;
                await result.ExecuteAsync(context);
            }).WithDisplayName(function.Name);
        }
    }

    private static string ReadRoutePrefix()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        return hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;
    }
}

public sealed record HttpFunction(string Name, MethodInfo Method, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel);
