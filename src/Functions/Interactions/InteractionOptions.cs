using Microsoft.Extensions.Options;

namespace Serverless.Functions.Interactions;

/// <summary>The <c>Interactions</c> configuration section (environment: <c>Interactions__*</c>).</summary>
public sealed class InteractionOptions
{
    public const string SectionName = "Interactions";

    /// <summary>Requests above this are refused with 413 before being read. Discord's are a few KiB.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Replay window: timestamps further than this in the past or future are refused.</summary>
    public TimeSpan SignatureMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the endpoint waits for the queue before answering 503: Discord gives up at 3 seconds.</summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a submitted form may work inline (storage writes, Discord checks) before the endpoint stops, queues the
    /// submission and answers "thinking…" instead: with <see cref="EnqueueTimeout"/>'s share after it, Discord's 3
    /// seconds still hold while storage retries.
    /// </summary>
    public TimeSpan FormInlineTimeout { get; set; } = TimeSpan.FromSeconds(1.5);
}

public sealed class InteractionOptionsValidator : IValidateOptions<InteractionOptions>
{
    private const int MinBodyBytes = 1024;
    private const int MaxBodyBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan MinAge = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, InteractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBodyBytes is < MinBodyBytes or > MaxBodyBytes)
        {
            failures.Add($"Interactions__MaxBodyBytes must be between {MinBodyBytes} and {MaxBodyBytes}.");
        }

        if (options.SignatureMaxAge < MinAge || options.SignatureMaxAge > MaxAge)
        {
            failures.Add($"Interactions__SignatureMaxAge must be between {MinAge} and {MaxAge}.");
        }

        if (options.EnqueueTimeout <= TimeSpan.Zero || options.EnqueueTimeout > TimeSpan.FromSeconds(2.5))
        {
            failures.Add("Interactions__EnqueueTimeout must be positive and at most 00:00:02.5, inside Discord's 3-second deadline.");
        }

        if (options.FormInlineTimeout <= TimeSpan.Zero || options.FormInlineTimeout > TimeSpan.FromSeconds(2))
        {
            failures.Add("Interactions__FormInlineTimeout must be positive and at most 00:00:02, leaving time to queue the form inside Discord's 3-second deadline.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
