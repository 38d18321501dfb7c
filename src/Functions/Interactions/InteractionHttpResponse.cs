using System.Text;

namespace Serverless.Functions.Interactions;

/// <summary>What the interactions endpoint answers, independent of ASP.NET Core so it can be benchmarked.</summary>
public readonly record struct InteractionHttpResponse(int StatusCode, ReadOnlyMemory<byte> Body, string ContentType)
{
    private const string Json = "application/json";
    private const string Text = "text/plain; charset=utf-8";

    public static InteractionHttpResponse Ok(ReadOnlyMemory<byte> json) => new(StatusCodes.Status200OK, json, Json);

    public static readonly InteractionHttpResponse Pong = Ok("{\"type\":1}"u8.ToArray());

    public static readonly InteractionHttpResponse Unauthorized = Plain(StatusCodes.Status401Unauthorized, "invalid request signature");

    public static readonly InteractionHttpResponse TooLarge = Plain(StatusCodes.Status413PayloadTooLarge, "request body too large");

    public static readonly InteractionHttpResponse InvalidJson = Plain(StatusCodes.Status400BadRequest, "invalid interaction JSON");

    public static readonly InteractionHttpResponse UnknownType = Plain(StatusCodes.Status400BadRequest, "unknown interaction type");

    public static readonly InteractionHttpResponse NotAccepted = Plain(StatusCodes.Status503ServiceUnavailable, "the work could not be queued; please try again");

    private static InteractionHttpResponse Plain(int status, string message) => new(status, Encoding.UTF8.GetBytes(message), Text);
}
