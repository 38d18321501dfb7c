using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Endpoints;

internal static class EndpointHelpers
{
    public static bool TryParseSnowflake(string? text, out ulong id) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != 0;

    /// <summary>The request body as a JSON value, or the error Discord would answer.</summary>
    public static bool TryReadJson(HttpContext context, out JsonElement json, [NotNullWhen(false)] out IResult? error)
    {
        error = null;
        if (RequestBody.Of(context).TryParse(out json))
        {
            return true;
        }

        error = DiscordResults.InvalidJson();
        return false;
    }

    /// <summary>The request body as message fields, or the error Discord would answer.</summary>
    public static bool TryReadDraft(HttpContext context, [NotNullWhen(true)] out MessageDraft? draft, [NotNullWhen(false)] out IResult? error)
    {
        draft = null;
        if (!TryReadJson(context, out var json, out error))
        {
            return false;
        }

        draft = MessageDraft.Parse(json, out var formError);
        if (draft is null)
        {
            error = DiscordResults.InvalidFormBody(formError!);
            return false;
        }

        return true;
    }
}
