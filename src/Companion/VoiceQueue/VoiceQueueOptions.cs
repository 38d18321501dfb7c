using Microsoft.Extensions.Options;
using Serverless.Storage.Queues;

namespace Serverless.Companion.VoiceQueue;

/// <summary>
/// How the companion polls the <c>voice</c> queue (section <c>Companion:VoiceQueue</c>). The deadline for deferred work
/// is <see cref="Domain.DeferredWork.DeferredWorkOptions"/>, shared with the Functions worker.
/// </summary>
public sealed class VoiceQueueOptions
{
    public const string SectionName = "Companion:VoiceQueue";

    /// <summary>How long a received message stays hidden while it is worked on; a crash makes it visible again after this.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between polls of an empty queue; polling backs off towards it.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries after which a failing message goes to <c>voice-poison</c>, as the Functions host does for its queues.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Messages worked on at once (different guilds; one guild's commands are serialized by the music service).</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>The receiver's settings.</summary>
    public PolledQueueSettings ToReceiverSettings() => new()
    {
        BatchSize = BatchSize,
        VisibilityTimeout = VisibilityTimeout,
        MaxDequeueCount = MaxDequeueCount,
        MaxPollInterval = MaxPollInterval,
    };
}

/// <summary>Refuses settings outside what the queue service allows, naming the setting.</summary>
public sealed class VoiceQueueOptionsValidator : IValidateOptions<VoiceQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, VoiceQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.VisibilityTimeout < TimeSpan.FromSeconds(5) || options.VisibilityTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add("Companion__VoiceQueue__VisibilityTimeout must be between 00:00:05 and 00:10:00.");
        }

        if (options.MaxPollInterval <= TimeSpan.Zero || options.MaxPollInterval > TimeSpan.FromSeconds(30))
        {
            failures.Add("Companion__VoiceQueue__MaxPollInterval must be positive and at most 00:00:30.");
        }

        if (options.MaxDequeueCount is < 1 or > 100)
        {
            failures.Add("Companion__VoiceQueue__MaxDequeueCount must be between 1 and 100.");
        }

        if (options.BatchSize is < 1 or > 32)
        {
            failures.Add("Companion__VoiceQueue__BatchSize must be between 1 and 32 (the queue service's limit).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
