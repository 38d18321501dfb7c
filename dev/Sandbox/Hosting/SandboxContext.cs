using Microsoft.Extensions.Logging;
using System.Text.Json;
using Serverless.Sandbox.Crypto;
using Serverless.Sandbox.Events;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;
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
        Events = new SandboxEventHub();
        State = new SandboxState(Ids, options.ApplicationId, options.NonceWindow, Events, options.ApplicationOwnerId);
        Recorder = new CallRecorder(
            options.MaxRecordedCalls,
            call => Events.Publish("call", JsonSerializer.Serialize(CallEventWire.From(call), ControlJsonContext.Control.CallEventWire)));
        Faults = new FaultInjector(() => Events.Publish(
            "faults", JsonSerializer.Serialize(Faults!.Rules.Select(FaultRuleWire.From).ToList(), ControlJsonContext.Control.ListFaultRuleWire)));
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

    /// <summary>What the console's event stream (<c>/_sandbox/events</c>) sends.</summary>
    public SandboxEventHub Events { get; }

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
        Events.Publish("token", JsonSerializer.Serialize(new EmptyEventWire(), ControlJsonContext.Control.EmptyEventWire));
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
