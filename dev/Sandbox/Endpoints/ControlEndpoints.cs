using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Endpoints;

/// <summary>The sandbox's own API under <c>/_sandbox</c>, for the CLI and scripts. Not Discord's: camelCase, no limits, not recorded.</summary>
internal static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapSandboxControl(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(SandboxServer.ControlPrefix);
        control.MapGet("/info", Info);
        control.MapGet("/calls", (long? since, [FromServices] SandboxContext sandbox) => Results.Json(
            new CallsWire { NextSequence = sandbox.Recorder.NextSequence, Calls = since is { } s ? sandbox.Recorder.Since(s) : sandbox.Recorder.Snapshot() },
            ControlJsonContext.Control.CallsWire));
        control.MapDelete("/calls", ([FromServices] SandboxContext sandbox) =>
        {
            sandbox.Recorder.Clear();
            return Results.NoContent();
        });
        control.MapPost("/interactions", SendInteractionAsync);
        control.MapPost("/token", RotateTokenAsync);
        control.MapGet("/faults", ([FromServices] SandboxContext sandbox) =>
            Results.Json(sandbox.Faults.Rules.Select(FaultRuleWire.From).ToList(), ControlJsonContext.Control.ListFaultRuleWire));
        control.MapPost("/faults", AddFaultAsync);
        control.MapDelete("/faults", ([FromServices] SandboxContext sandbox) =>
        {
            sandbox.Faults.Clear();
            return Results.NoContent();
        });
        return app;
    }

    private static IResult Info([FromServices] SandboxContext sandbox) => Results.Json(
        new SandboxInfoWire
        {
            ApplicationId = Snowflake(sandbox.Options.ApplicationId),
            PublicKey = sandbox.SigningKey.PublicKeyHex,
            BaseUrl = sandbox.BaseUrl,
            ApiBaseUrl = sandbox.ApiBaseUrl,
            BotInteractionsUrl = sandbox.Options.BotInteractionsUrl.ToString(),
            BotToken = sandbox.BotToken.Current,
            BotUserId = Snowflake(sandbox.State.BotUserId),
            DefaultGuildId = Snowflake(SandboxDefaults.GuildId),
            DefaultChannelId = Snowflake(SandboxDefaults.ChannelId),
            DefaultUserId = Snowflake(SandboxDefaults.UserId),
            DefaultVoiceChannelId = Snowflake(SandboxDefaults.VoiceChannelId),
            GatewayUrl = sandbox.Gateway.Url,
        },
        ControlJsonContext.Control.SandboxInfoWire);

    /// <summary>
    /// Resets the bot token, as the Developer Portal does: <c>{"token":"…"}</c> sets it, an empty body makes one up.
    /// The old one is refused from now on (REST 401; gateway sessions closed with 4004). Answers the new token.
    /// </summary>
    private static async Task<IResult> RotateTokenAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        TokenRotationWire? wire = null;
        if (context.Request.ContentLength is not 0)
        {
            wire = await ReadAsync(context, ControlJsonContext.Control.TokenRotationWire);
            if (wire is null && context.Request.ContentLength > 0)
            {
                return BadRequest("The body must be empty or JSON: {\"token\":\"new-token\"}.");
            }
        }

        var token = sandbox.RotateBotToken(wire?.Token);
        return Results.Json(new TokenRotationWire { Token = token }, ControlJsonContext.Control.TokenRotationWire);
    }

    private static async Task<IResult> AddFaultAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var wire = await ReadAsync(context, ControlJsonContext.Control.FaultRuleWire);
        if (wire is null)
        {
            return BadRequest("The body must be a JSON fault rule, e.g. {\"method\":\"PATCH\",\"pathContains\":\"/messages/@original\",\"statusCode\":500,\"times\":2}.");
        }

        try
        {
            var rule = sandbox.Faults.Add(wire.ToRule());
            return Results.Json(FaultRuleWire.From(rule), ControlJsonContext.Control.FaultRuleWire, statusCode: StatusCodes.Status201Created);
        }
        catch (ArgumentException exception)
        {
            return BadRequest(exception.Message);
        }
    }

    internal static bool TryBotUrl(string? url, out Uri? botUrl, out string problem)
    {
        botUrl = null;
        problem = "";
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out botUrl) || (botUrl.Scheme != Uri.UriSchemeHttp && botUrl.Scheme != Uri.UriSchemeHttps)))
        {
            problem = $"botUrl '{url}' is not an absolute http(s) URL.";
            return false;
        }

        return true;
    }

    private static async Task<IResult> SendInteractionAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadAsync(context, ControlJsonContext.Control.SendInteractionRequestWire);
        if (request is null)
        {
            return BadRequest("The body must be JSON: {\"name\":\"ping\",\"options\":{\"name\":\"value\"}} or {\"ping\":true}.");
        }

        if (!TryBotUrl(request.BotUrl, out var botUrl, out var urlProblem))
        {
            return BadRequest(urlProblem);
        }

        var sequence = sandbox.Recorder.NextSequence;
        SentInteraction sent;
        if (request.Ping)
        {
            sent = await sandbox.Sender.SendPingAsync(botUrl, context.RequestAborted);
        }
        else
        {
            if (!TryBuildCommand(request, out var command, out var problem))
            {
                return BadRequest(problem);
            }

            sent = await sandbox.Sender.SendCommandAsync(WithMember(command, request.MemberPermissions, sandbox), botUrl, context.RequestAborted);
        }

        return Sent(sent, sequence);
    }

    internal static IResult Sent(SentInteraction sent, long callSequence) => Results.Json(
        new SentInteractionWire
        {
            InteractionId = Snowflake(sent.InteractionId),
            Token = sent.Token,
            StatusCode = sent.StatusCode,
            ResponseBody = sent.ResponseBody,
            ResponseContentType = sent.ResponseContentType,
            ElapsedMilliseconds = Math.Round(sent.Elapsed.TotalMilliseconds, 1),
            DeadlineExceeded = sent.DeadlineExceeded,
            Error = sent.Error,
            CallSequence = callSequence,
        },
        ControlJsonContext.Control.SentInteractionWire);

    /// <summary>
    /// The acting member's name, and their stored permissions unless the request gave some: the member directory
    /// decides what the bot sees of a user the request names only by id.
    /// </summary>
    internal static CommandInteraction WithMember(CommandInteraction command, string? explicitPermissions, SandboxContext sandbox)
    {
        if (sandbox.State.FindMember(command.UserId) is not { } member)
        {
            return command;
        }

        var withMember = new CommandInteraction
        {
            Name = command.Name,
            GuildId = command.GuildId,
            ChannelId = command.ChannelId,
            UserId = command.UserId,
            Username = member.Username,
            MemberPermissions = explicitPermissions ?? member.Permissions.ToString(CultureInfo.InvariantCulture),
            AppPermissions = command.AppPermissions,
            Locale = command.Locale,
            CommandId = command.CommandId,
        };
        foreach (var option in command.Options)
        {
            withMember.Options.Add(option);
        }

        return withMember;
    }

    /// <summary>
    /// <c>"music play"</c> becomes command <c>music</c> with subcommand <c>play</c> holding the options;
    /// three words make a subcommand group.
    /// </summary>
    internal static bool TryBuildCommand(SendInteractionRequestWire request, out CommandInteraction command, out string problem)
    {
        command = null!;
        problem = "";
        var words = (request.Name ?? "").TrimStart('/').Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length is 0 or > 3)
        {
            problem = "name must be a command name, optionally followed by a subcommand (group): \"ping\", \"music play\".";
            return false;
        }

        if (!TryReadOptions(request.Options, out var options, out problem)
            || !TryId(request.GuildId, "guildId", SandboxDefaults.GuildId, out var guildId, ref problem)
            || !TryId(request.ChannelId, "channelId", SandboxDefaults.ChannelId, out var channelId, ref problem)
            || !TryId(request.UserId, "userId", SandboxDefaults.UserId, out var userId, ref problem))
        {
            return false;
        }

        IReadOnlyList<CommandOption> top = words.Length switch
        {
            1 => options,
            2 => [CommandOption.SubCommand(words[1], options)],
            _ => [CommandOption.SubCommandGroup(words[1], CommandOption.SubCommand(words[2], options))],
        };

        command = new CommandInteraction
        {
            Name = words[0],
            GuildId = guildId,
            ChannelId = channelId ?? SandboxDefaults.ChannelId,
            UserId = userId ?? SandboxDefaults.UserId,
            MemberPermissions = request.MemberPermissions ?? SandboxDefaults.MemberPermissions,
        };
        foreach (var option in top)
        {
            command.Options.Add(option);
        }

        return true;
    }

    private static bool TryReadOptions(JsonElement? json, out List<CommandOption> options, out string problem)
    {
        options = [];
        problem = "";
        switch (json)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return true;
            case { ValueKind: JsonValueKind.Object } map:
                foreach (var property in map.EnumerateObject())
                {
                    if (FromJson(property.Name, null, property.Value) is not { } option)
                    {
                        problem = $"Option '{property.Name}' must be a string, number or boolean.";
                        return false;
                    }

                    options.Add(option);
                }

                return true;
            case { ValueKind: JsonValueKind.Array } list:
                foreach (var item in list.EnumerateArray())
                {
                    var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) ? n.GetString() : null;
                    int? type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.TryGetInt32(out var parsed) ? parsed : null;
                    if (string.IsNullOrWhiteSpace(name) || !item.TryGetProperty("value", out var value) || FromJson(name, type, value) is not { } option)
                    {
                        problem = "Each option must be {\"name\": …, \"value\": …} with an optional numeric \"type\".";
                        return false;
                    }

                    options.Add(option);
                }

                return true;
            default:
                problem = "options must be an object of name → value, or an array of {name, type?, value}.";
                return false;
        }
    }

    private static CommandOption? FromJson(string name, int? type, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when type is null => new CommandOption(name, CommandOptionType.String, value.GetString()),
        JsonValueKind.True or JsonValueKind.False when type is null => CommandOption.Boolean(name, value.GetBoolean()),
        JsonValueKind.Number when type is null => value.TryGetInt64(out var integer) ? CommandOption.Integer(name, integer) : CommandOption.Number(name, value.GetDouble()),
        JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False when type is not null
            => new CommandOption(name, (CommandOptionType)type.Value, value.Clone()),
        _ => null,
    };

    internal static bool TryId(string? text, string field, ulong fallback, out ulong? id, ref string problem)
    {
        id = fallback;
        if (text is null)
        {
            return true;
        }

        // "0" or "" means a DM for the guild, which has no guild id.
        if (field == "guildId" && text is "" or "0")
        {
            id = null;
            return true;
        }

        if (!EndpointHelpers.TryParseSnowflake(text, out var parsed))
        {
            problem = $"{field} must be a snowflake (a positive integer as a string).";
            return false;
        }

        id = parsed;
        return true;
    }

    internal static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static IResult BadRequest(string error) =>
        Results.Json(new ControlErrorWire { Error = error }, ControlJsonContext.Control.ControlErrorWire, statusCode: StatusCodes.Status400BadRequest);

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
