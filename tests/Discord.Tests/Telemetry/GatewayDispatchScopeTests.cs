using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway;
using Serverless.Discord.Gateway.Events;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Tests.Telemetry;

/// <summary>What a gateway event's handlers log carries the guild id, as the interaction's lines do.</summary>
public sealed class GatewayDispatchScopeTests
{
    [Fact]
    public async Task HandlersOfAGuildEvent_LogInAGuildIdScope_AndReadyHasNone()
    {
        var scopes = new ScopeRecordingProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(scopes));
        var handlerLogger = factory.CreateLogger("handler");
        var voice = new LoggingHandler<GatewayVoiceStateUpdate>(handlerLogger);
        var ready = new LoggingHandler<GatewayReady>(handlerLogger);
        var dispatcher = new GatewayEventDispatcher([ready], [], [], [voice], [], factory.CreateLogger<GatewayEventDispatcher>());

        await DispatchAsync(dispatcher, "VOICE_STATE_UPDATE", """{"guild_id":"41771983423143937","channel_id":"2","user_id":"3","session_id":"s"}""");
        await DispatchAsync(dispatcher, "READY", """{"user":{"id":"41771983423143938"},"session_id":"s-1"}""");

        Assert.Equal(2, scopes.Lines.Count);
        var (_, guildScope) = scopes.Lines.First(line => line.Message == nameof(GatewayVoiceStateUpdate));
        Assert.Equal(41771983423143937UL, guildScope[TelemetryDimensions.GuildId]);
        var (_, readyScope) = scopes.Lines.First(line => line.Message == nameof(GatewayReady));
        Assert.False(readyScope.ContainsKey(TelemetryDimensions.GuildId));
    }

    private static Task DispatchAsync(GatewayEventDispatcher dispatcher, string type, string json)
    {
        using var document = JsonDocument.Parse(json);
        return dispatcher.HandleAsync(new GatewayDispatch(0, type, 1, document.RootElement.Clone()), CancellationToken.None);
    }

    private sealed class LoggingHandler<TEvent>(ILogger logger) : IGatewayEventHandler<TEvent>
        where TEvent : notnull
    {
        public Task HandleAsync(TEvent gatewayEvent, CancellationToken cancellationToken)
        {
#pragma warning disable CA1848, CA2254 // A test's log line.
            logger.LogInformation(typeof(TEvent).Name);
#pragma warning restore CA1848, CA2254
            return Task.CompletedTask;
        }
    }

    /// <summary>Records each line with the key/value pairs of the scopes around it.</summary>
    private sealed class ScopeRecordingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, Dictionary<string, object?> Scope)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ScopeLogger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class ScopeLogger(ScopeRecordingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
                provider._scopes.ForEachScope(
                    (value, into) =>
                    {
                        if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, item) in pairs)
                            {
                                into[key] = item;
                            }
                        }
                    },
                    scope);
                provider.Lines.Enqueue((formatter(state, exception), scope));
            }
        }
    }
}
