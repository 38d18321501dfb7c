using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Crypto;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.RateLimiting;
using Serverless.Sandbox.Recording;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Hosting;

/// <summary>Everything one running sandbox consists of; endpoints and middleware reach it through DI.</summary>
internal sealed class SandboxContext : IDisposable
{
    private readonly HttpClient _botClient;

    public SandboxContext(SandboxOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        Time = options.TimeProvider;
        Ids = new SnowflakeGenerator(Time);
        SigningKey = options.SigningKeySeedHex is { } seed ? SigningKey.FromSeedHex(seed) : SigningKey.Generate();
        State = new SandboxState(Ids, options.ApplicationId, options.NonceWindow);
        Recorder = new CallRecorder(options.MaxRecordedCalls);
        Faults = new FaultInjector();
        RateLimiter = new RateLimiter(options.RateLimits, Time);
        LoggerFactory = loggerFactory;
        BotToken = new SandboxBotToken(options.BotToken);

        _botClient = options.BotHttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        _botClient.Timeout = options.BotRequestTimeout;
        Sender = new InteractionSender(this, _botClient, loggerFactory.CreateLogger<InteractionSender>());
        Gateway = new GatewayDouble(this, loggerFactory.CreateLogger<GatewayDouble>());
    }

    public SandboxOptions Options { get; }

    public TimeProvider Time { get; }

    public SnowflakeGenerator Ids { get; }

    public SigningKey SigningKey { get; }

    public SandboxState State { get; }

    public CallRecorder Recorder { get; }

    public FaultInjector Faults { get; }

    public RateLimiter RateLimiter { get; }

    public InteractionSender Sender { get; }

    /// <summary>The bot token accepted now: <see cref="SandboxOptions.BotToken"/> until rotated.</summary>
    public SandboxBotToken BotToken { get; }

    /// <summary>Revokes the current bot token for <paramref name="token"/> (or a random one) and ends the sessions it identified.</summary>
    public string RotateBotToken(string? token)
    {
        var next = BotToken.Rotate(token);
        Gateway.CloseAuthenticatedConnections(4004, "Authentication failed.");
        return next;
    }

    public GatewayDouble Gateway { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Known only once Kestrel has bound its port.</summary>
    public string BaseUrl { get; set; } = "";

    public string ApiBaseUrl => BaseUrl + SandboxServer.ApiPrefix;

    public void Dispose()
    {
        Gateway.Dispose();
        _botClient.Dispose();
        SigningKey.Dispose();
    }
}
