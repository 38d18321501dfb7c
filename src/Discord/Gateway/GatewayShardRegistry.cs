namespace Serverless.Discord.Gateway;

/// <summary>Gateway commands a feature may send; voice's op 4 is the only one the bot needs.</summary>
public interface IGatewayCommandSender
{
    /// <summary>
    /// Sends op 4 (Update Voice State) on the shard that owns <paramref name="guildId"/>, waiting for the shards to
    /// start and that shard to be ready; a null <paramref name="channelId"/> leaves voice.
    /// </summary>
    /// <exception cref="GatewayShardFailedException">The shards never started, or that shard stopped for good.</exception>
    Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken);
}

/// <summary>
/// The running shards, shared by the <see cref="GatewayShardManager"/>, which attaches them when it has learnt how many
/// there are, and by whoever sends gateway commands. Taking this instead of the manager keeps the senders (voice) out
/// of the manager's construction, which takes the dispatch handlers, which take voice.
/// </summary>
public sealed class GatewayShardRegistry : IGatewayCommandSender
{
    private readonly TaskCompletionSource<IReadOnlyList<GatewayShardClient>> _shards = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The shards once attached; empty before.</summary>
    public IReadOnlyList<GatewayShardClient> Shards => _shards.Task.IsCompletedSuccessfully ? _shards.Task.Result : [];

    /// <inheritdoc />
    public async Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken)
    {
        var shards = await _shards.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var shard = shards[GatewayShardManager.ShardIdFor(guildId, shards.Count)];
        await shard.SendVoiceStateUpdateAsync(guildId, channelId, selfMute, selfDeaf, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes the shards, once; commands waiting for them go out.</summary>
    internal void Attach(IReadOnlyList<GatewayShardClient> shards) => _shards.TrySetResult(shards);

    /// <summary>The shards will never start: commands waiting or to come fail with <paramref name="problem"/>. No-op once attached.</summary>
    internal void Close(string problem)
    {
        _shards.TrySetException(new GatewayShardFailedException(problem));
        _ = _shards.Task.Exception;
    }
}
