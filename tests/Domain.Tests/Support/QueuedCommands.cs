using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;

namespace Serverless.Domain.Tests.Support;

/// <summary>
/// Stands in for the wire codec: a message is a key to a command queued through it, and a text starting with
/// <c>probe-</c> is a smoke probe.
/// </summary>
internal sealed class QueuedCommands : IDeferredCommandDecoder
{
    private readonly Dictionary<string, DeferredCommand> _queued = [];

    public string Queue(DeferredCommand command)
    {
        var text = "message-" + _queued.Count;
        _queued[text] = command;
        return text;
    }

    public bool TryDecode(string text, out DeferredCommand? command, out string? problem)
    {
        problem = _queued.TryGetValue(text, out command) ? null : "no such message";
        return command is not null;
    }

    public bool IsSmokeProbe(string text, out string? probeId)
    {
        probeId = text.StartsWith("probe-", StringComparison.Ordinal) ? text["probe-".Length..] : null;
        return probeId is not null;
    }
}
