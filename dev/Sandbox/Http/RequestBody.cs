using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Http;

/// <summary>The request body, read once by the API middleware (for the recording) and shared with the handlers.</summary>
internal sealed class RequestBody(string text)
{
    public string Text { get; } = text;

    public static RequestBody Of(HttpContext context) =>
        context.Features.Get<RequestBody>() ?? throw new InvalidOperationException("The API middleware did not capture the request body.");

    public static async Task<RequestBody> CaptureAsync(HttpContext context)
    {
        var request = context.Request;
        var text = "";
        if (request.ContentLength is null or > 0 && !HttpMethods.IsGet(request.Method))
        {
            // Kestrel caps bodies of unknown length (30 MB); the sandbox only holds what bots send, small JSON.
            using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var body = new RequestBody(text);
        context.Features.Set(body);
        return body;
    }

    /// <summary>Discord wants JSON bodies labelled as such; without the header it answers 50035.</summary>
    public static bool HasJsonContentType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as a JSON value; an empty body reads as <c>{}</c>.</summary>
    public bool TryParse(out JsonElement element)
    {
        element = default;
        if (string.IsNullOrWhiteSpace(Text))
        {
            element = Empty;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(Text);
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static readonly JsonElement Empty = MessageJson.Parse("{}");
}
