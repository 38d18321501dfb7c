using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.State;
using static Serverless.Sandbox.Endpoints.EndpointHelpers;

namespace Serverless.Sandbox.Endpoints;

/// <summary>Global and guild application commands: list and bulk overwrite.</summary>
internal static class ApplicationCommandEndpoints
{
    private const int MaxNameLength = 32;
    private const int MaxDescriptionLength = 100;

    public static IEndpointRouteBuilder MapApplicationCommands(this IEndpointRouteBuilder api)
    {
        var application = api.MapGroup("/applications/{appId}").WithMetadata(DiscordRouteMetadata.Bot());
        application.MapGet("/commands", (string appId, [FromServices] SandboxContext sandbox) => List(appId, null, sandbox));
        application.MapPut("/commands", (HttpContext context, string appId, [FromServices] SandboxContext sandbox) => Overwrite(context, appId, null, sandbox));
        application.MapGet("/guilds/{guildId}/commands", (string appId, string guildId, [FromServices] SandboxContext sandbox) => List(appId, guildId, sandbox));
        application.MapPut("/guilds/{guildId}/commands", (HttpContext context, string appId, string guildId, [FromServices] SandboxContext sandbox) => Overwrite(context, appId, guildId, sandbox));
        return api;
    }

    private static IResult List(string appId, string? guildId, SandboxContext sandbox)
    {
        if (Denied(appId, guildId, sandbox, out var guild) is { } denied)
        {
            return denied;
        }

        return DiscordResults.JsonArray(sandbox.State.Commands(guild).Select(command => command.Json));
    }

    private static IResult Overwrite(HttpContext context, string appId, string? guildId, SandboxContext sandbox)
    {
        if (Denied(appId, guildId, sandbox, out var guild) is { } denied)
        {
            return denied;
        }

        if (!TryReadJson(context, out var json, out var error))
        {
            return error;
        }

        if (json.ValueKind != JsonValueKind.Array)
        {
            return DiscordResults.InvalidFormBody(new FormError(null, "BASE_TYPE_LIST", "Must be an array."));
        }

        var commands = new List<JsonObject>();
        var seen = new HashSet<(string, int)>();
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            if (Validate(item, index, out var formError) is not { } command)
            {
                return DiscordResults.InvalidFormBody(formError!);
            }

            var name = command["name"]!.GetValue<string>();
            var type = command["type"] is JsonValue t && t.TryGetValue<int>(out var parsed) ? parsed : 1;
            if (!seen.Add((name, type)))
            {
                return DiscordResults.InvalidFormBody(new FormError($"{index}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"));
            }

            commands.Add(command);
            index++;
        }

        var stored = sandbox.State.OverwriteCommands(guild, commands);
        return DiscordResults.JsonArray(stored.Select(command => command.Json));
    }

    /// <summary>The checks a bot's command definitions most often fail: names and descriptions.</summary>
    private static JsonObject? Validate(JsonElement item, int index, out FormError? error)
    {
        error = null;
        if (item.ValueKind != JsonValueKind.Object || JsonNode.Parse(item.GetRawText()) is not JsonObject command)
        {
            error = new FormError($"{index}", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
            return null;
        }

        var type = command["type"] is JsonValue t && t.TryGetValue<int>(out var parsed) ? parsed : 1;
        if (command["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name) || name.Length is 0 or > MaxNameLength)
        {
            error = new FormError($"{index}.name", "BASE_TYPE_BAD_LENGTH", $"Must be between 1 and {MaxNameLength} in length.");
            return null;
        }

        if (type == 1 && (name.Any(char.IsUpper) || name.Any(char.IsWhiteSpace)))
        {
            error = new FormError($"{index}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
            return null;
        }

        var description = command["description"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : "";
        if (type == 1 && description.Length is 0 or > MaxDescriptionLength)
        {
            error = new FormError($"{index}.description", "BASE_TYPE_BAD_LENGTH", $"Must be between 1 and {MaxDescriptionLength} in length.");
            return null;
        }

        return command;
    }

    private static IResult? Denied(string appId, string? guildId, SandboxContext sandbox, out ulong? guild)
    {
        guild = null;
        if (!TryParseSnowflake(appId, out var application) || application != sandbox.Options.ApplicationId)
        {
            return DiscordResults.Error(StatusCodes.Status403Forbidden, 50001, "Missing Access");
        }

        if (guildId is not null)
        {
            if (!TryParseSnowflake(guildId, out var parsed))
            {
                return DiscordResults.Error(StatusCodes.Status404NotFound, 10004, "Unknown Guild");
            }

            guild = parsed;
        }

        return null;
    }
}
