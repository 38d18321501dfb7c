using System.Collections.Concurrent;
using System.Text.Json;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Cli;

/// <summary>Keeps the <c>message</c> events of the sandbox's event stream while an interaction runs.</summary>
internal sealed class EventCollector : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MessageEventWire> _messages = new();
    private readonly Task _reading;

    private EventCollector(Stream stream)
    {
        _stream = stream;
        _reading = ReadAsync();
    }

    public static async Task<EventCollector> StartAsync(SandboxClient client, CancellationToken cancellationToken) =>
        new(await client.OpenEventsAsync(cancellationToken));

    /// <summary>The message events so far, oldest first.</summary>
    public IReadOnlyList<MessageEventWire> Messages => [.. _messages];

    private async Task ReadAsync()
    {
        using var reader = new StreamReader(_stream);
        string? type = null;
        var data = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (type == "message" && data.Count > 0
                        && JsonSerializer.Deserialize(string.Join('\n', data), ControlJsonContext.Control.MessageEventWire) is { } message)
                    {
                        _messages.Enqueue(message);
                    }

                    (type, data) = (null, []);
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Add(line[6..]);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or JsonException)
        {
            // Stopped, or the sandbox went away: what was read so far is what there is.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _stream.DisposeAsync();
        await _reading;
        _stop.Dispose();
    }
}
