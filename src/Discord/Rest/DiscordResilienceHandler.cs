using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Serverless.Discord.Rest;

/// <summary>
/// One pipeline per process (the circuit must outlive the handlers IHttpClientFactory recycles):
/// retry (outermost) → circuit breaker. It sits outside the rate-limit handler, so every attempt is admitted
/// by the limiter again and 429s never count as failures here. The per-attempt timeout lives in the
/// rate-limit handler around the network call only: time spent waiting for a slot is not a failure.
/// </summary>
internal sealed partial class DiscordResiliencePipeline
{
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Discord.Request");

    public DiscordResiliencePipeline(IOptions<DiscordRateLimitOptions> options, TimeProvider timeProvider, ILogger<DiscordResiliencePipeline> logger)
    {
        var settings = options.Value;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome) && IsRetrySafe(args.Context)),
                OnRetry = args =>
                {
                    Log.Retrying(logger, (int?)args.Outcome.Result?.StatusCode ?? 0, args.Outcome.Exception?.GetType().Name ?? "-", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        Pipeline = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = settings.BreakerMinimumThroughput,
                SamplingDuration = settings.BreakerSamplingDuration,
                BreakDuration = settings.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                StateProvider = CircuitState,
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    /// <summary>The breaker's state as it is now (read by the <c>discord.rest.circuit_state</c> gauge).</summary>
    public CircuitBreakerStateProvider CircuitState { get; } = new();

    /// <summary>5xx, network failures and attempt timeouts. Never a 4xx: those will not change by trying again.</summary>
    internal static bool IsFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutException or TimeoutRejectedException
        || (outcome.Result is { } response && (int)response.StatusCode >= 500);

    /// <summary>A POST may be retried only when Discord deduplicates it by nonce; other methods are idempotent.</summary>
    private static bool IsRetrySafe(ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(RequestKey, out var request) || request.Method != HttpMethod.Post)
        {
            return true;
        }

        return request.Options.TryGetValue(DiscordRequestOptions.Idempotent, out var idempotent) && idempotent;
    }

    /// <summary>True when the buffered JSON body carries a <c>nonce</c> and <c>enforce_nonce: true</c>.</summary>
    internal static async Task<bool> HasEnforcedNonceAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content?.Headers.ContentType?.MediaType != "application/json")
        {
            return false;
        }

        await content.LoadIntoBufferAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(await content.ReadAsByteArrayAsync(cancellationToken));
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("nonce", out var nonce) && nonce.ValueKind is JsonValueKind.String or JsonValueKind.Number
                && root.TryGetProperty("enforce_nonce", out var enforce) && enforce.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2131, Level = LogLevel.Warning, Message = "Discord call failed (status {Status}, error {ErrorType}); retry {Attempt} in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, int status, string errorType, int attempt, double delayMs);

        [LoggerMessage(EventId = 2132, Level = LogLevel.Error, Message = "Discord circuit opened after repeated failures; failing fast for {BreakSeconds} s")]
        public static partial void CircuitOpened(ILogger logger, double breakSeconds);

        [LoggerMessage(EventId = 2133, Level = LogLevel.Information, Message = "Discord circuit closed; calls flow again")]
        public static partial void CircuitClosed(ILogger logger);
    }
}

/// <summary>Runs each call through the shared <see cref="DiscordResiliencePipeline"/>; an open circuit becomes <see cref="DiscordUnavailableException"/>.</summary>
internal sealed class DiscordResilienceHandler(DiscordResiliencePipeline resilience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && !request.Options.TryGetValue(DiscordRequestOptions.Idempotent, out _)
            && await DiscordResiliencePipeline.HasEnforcedNonceAsync(request.Content, cancellationToken))
        {
            request.Options.Set(DiscordRequestOptions.Idempotent, true);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(DiscordResiliencePipeline.RequestKey, request);
        try
        {
            return await resilience.Pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.SendInnerAsync(state.Request, ctx.CancellationToken),
                context,
                (Handler: this, Request: request));
        }
        catch (BrokenCircuitException exception)
        {
            throw new DiscordUnavailableException(DiscordRoute.Parse(request).Template, exception.RetryAfter, exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);
}
