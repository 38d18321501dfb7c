using System.Threading.Channels;

namespace Serverless.Sandbox.Events;

/// <summary>One server-sent event: an increasing id, its type (the SSE <c>event:</c> field) and its JSON data.</summary>
internal sealed record SandboxEvent(long Id, string Type, string Data);

/// <summary>
/// Fans the sandbox's changes out to the console's event streams. Publishing never waits: each subscriber has a
/// bounded queue, and one that falls behind is cut off (its browser reconnects with <c>Last-Event-ID</c> and replays
/// from the buffer) rather than slowing the Discord routes that publish.
/// </summary>
internal sealed class SandboxEventHub
{
    public const int ReplayCapacity = 1000;
    private const int SubscriberCapacity = 1000;

    private readonly Lock _lock = new();
    private readonly Queue<SandboxEvent> _replay = new();
    private readonly List<Channel<SandboxEvent>> _subscribers = [];
    private long _nextId = 1;

    public void Publish(string type, string data)
    {
        lock (_lock)
        {
            var item = new SandboxEvent(_nextId++, type, data);
            _replay.Enqueue(item);
            if (_replay.Count > ReplayCapacity)
            {
                _replay.Dequeue();
            }

            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Writer.TryWrite(item))
                {
                    _subscribers[i].Writer.TryComplete();
                    _subscribers.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Starts a subscription: the buffered events after <paramref name="afterId"/> (none when null), then everything
    /// published from now on, with no gap between the two.
    /// </summary>
    public Subscription Subscribe(long? afterId)
    {
        var channel = Channel.CreateBounded<SandboxEvent>(new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true });
        lock (_lock)
        {
            IReadOnlyList<SandboxEvent> replay = afterId is { } after ? [.. _replay.Where(item => item.Id > after)] : [];
            _subscribers.Add(channel);
            return new Subscription(this, channel, replay);
        }
    }

    private void Unsubscribe(Channel<SandboxEvent> channel)
    {
        lock (_lock)
        {
            _subscribers.Remove(channel);
        }
    }

    internal sealed class Subscription(SandboxEventHub hub, Channel<SandboxEvent> channel, IReadOnlyList<SandboxEvent> replay) : IDisposable
    {
        public IReadOnlyList<SandboxEvent> Replay { get; } = replay;

        public ChannelReader<SandboxEvent> Reader => channel.Reader;

        public void Dispose() => hub.Unsubscribe(channel);
    }
}
