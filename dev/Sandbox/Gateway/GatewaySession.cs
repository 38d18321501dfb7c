using System.Text.Json;

namespace Serverless.Sandbox.Gateway;

/// <summary>
/// A gateway session: what Identify creates and Resume continues. It outlives its connections, buffering dispatches
/// while none is attached so a resume can replay them. Guarded by <see cref="GatewayDouble"/>'s lock.
/// </summary>
internal sealed class GatewaySession(string id, int shardId, int shardCount, int intents, int replayBufferSize)
{
    private readonly Queue<BufferedDispatch> _replay = new();

    public string Id { get; } = id;

    public int ShardId { get; } = shardId;

    public int ShardCount { get; } = shardCount;

    public int Intents { get; } = intents;

    public long LastSequence { get; private set; }

    public GatewayConnection? Connection { get; set; }

    /// <summary>No longer resumable: a resume with its id gets op 9 <c>d:false</c>.</summary>
    public bool Invalidated { get; set; }

    /// <summary>Discord's routing: <c>shard_id = (guild_id &gt;&gt; 22) % num_shards</c>.</summary>
    public bool Owns(ulong guildId) => (int)((guildId >> 22) % (ulong)ShardCount) == ShardId;

    public bool HasIntent(int intent) => (Intents & intent) == intent;

    public long NextSequence() => ++LastSequence;

    public void Buffer(BufferedDispatch dispatch)
    {
        _replay.Enqueue(dispatch);
        while (_replay.Count > replayBufferSize)
        {
            _replay.Dequeue();
        }
    }

    /// <summary>The dispatches after <paramref name="sequence"/>, or null when some of them are no longer kept.</summary>
    public IReadOnlyList<BufferedDispatch>? After(long sequence)
    {
        var oldestKept = _replay.Count > 0 ? _replay.Peek().Sequence : LastSequence + 1;
        return sequence + 1 < oldestKept ? null : [.. _replay.Where(item => item.Sequence > sequence)];
    }
}

/// <summary>A dispatch as sent (<paramref name="Frame"/>), kept with what the record of sent payloads shows.</summary>
internal sealed record BufferedDispatch(long Sequence, string EventName, JsonElement Data, byte[] Frame);
