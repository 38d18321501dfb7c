using Serverless.Domain.Permissions;

namespace Serverless.TestSupport;

/// <summary>A channel check whose answers a test sets: every channel is allowed unless listed, or every call fails.</summary>
public sealed class ScriptedChannelPostingCheck : IChannelPostingCheck
{
    private int _calls;

    /// <summary>Answers for particular channels; others are <see cref="PostingCheck.Allowed"/>.</summary>
    public Dictionary<ulong, PostingCheck> Answers { get; } = [];

    /// <summary>When set, every call throws it, as when Discord cannot be asked.</summary>
    public Exception? Failure { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<PostingCheck> CheckCanPostAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Failure is { } failure
            ? Task.FromException<PostingCheck>(failure)
            : Task.FromResult(Answers.GetValueOrDefault(channelId, PostingCheck.Allowed));
    }
}
