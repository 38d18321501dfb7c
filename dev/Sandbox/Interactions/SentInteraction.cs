using System.Text.Json;

namespace Serverless.Sandbox.Interactions;

/// <summary>What happened when the sandbox sent an interaction to the bot.</summary>
public sealed record SentInteraction
{
    public required ulong InteractionId { get; init; }

    /// <summary>The interaction token; the sandbox's webhook routes accept it.</summary>
    public required string Token { get; init; }

    /// <summary>The exact body that was signed and sent.</summary>
    public required string RequestBody { get; init; }

    /// <summary>The bot's HTTP status; 0 when there was no answer (see <see cref="Error"/>).</summary>
    public int StatusCode { get; init; }

    public string ResponseBody { get; init; } = "";

    public string? ResponseContentType { get; init; }

    /// <summary>The answer parsed as JSON, or null if it was not JSON.</summary>
    public JsonElement? ResponseJson { get; init; }

    /// <summary>The answer's <c>type</c> (interaction callback type), when it had one.</summary>
    public int? ResponseType { get; init; }

    /// <summary>Time to the bot's answer, on the sandbox's <see cref="TimeProvider"/>.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The answer took longer than Discord's 3 s: Discord would show "did not respond" and kill the token.</summary>
    public bool DeadlineExceeded { get; init; }

    /// <summary>Why there was no answer (connection refused, timeout), else null.</summary>
    public string? Error { get; init; }

    public bool IsSuccessStatusCode => StatusCode is >= 200 and <= 299;
}
