using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Events;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;
using static Serverless.Sandbox.Endpoints.ControlEndpoints;

namespace Serverless.Sandbox.Endpoints;

/// <summary>
/// The control API the web console and the CLI act through: the guild as a member sees it, members to act as, clicks
/// and form submits, interaction states (long-polled), channel messages, fault presets and the live event stream.
/// </summary>
internal static class ConsoleEndpoints
{
    private const int MaxWaitSeconds = 60;
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapSandboxConsoleApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(SandboxServer.ControlPrefix);
        control.MapGet("/guild", Guild);
        control.MapPut("/members/{userId}", UpdateMemberAsync);
        control.MapPost("/clicks", ClickAsync);
        control.MapPost("/submits", SubmitAsync);
        control.MapGet("/interactions/{interactionId}", InteractionAsync);
        control.MapGet("/channels/{channelId}/messages", (string channelId, int? limit, [FromServices] SandboxContext sandbox) =>
            EndpointHelpers.TryParseSnowflake(channelId, out var channel)
                ? Results.Json(sandbox.State.ChannelMessageViews(channel, Math.Clamp(limit ?? 50, 1, 1000)), ControlJsonContext.Control.ListConsoleMessageWire)
                : BadRequest("channelId must be a snowflake."));
        control.MapDelete("/channels/{channelId}/messages/{messageId}", (string channelId, string messageId, [FromServices] SandboxContext sandbox) =>
            EndpointHelpers.TryParseSnowflake(channelId, out var channel) && EndpointHelpers.TryParseSnowflake(messageId, out var message)
            && sandbox.State.DeleteChannelMessage(channel, message)
                ? Results.NoContent()
                : NotFound($"No message {messageId} in channel {channelId} (ephemeral answers cannot be deleted, as on Discord)."));
        control.MapGet("/events", StreamEventsAsync);
        control.MapPost("/faults/presets/{name}", FaultPreset);
        return app;
    }

    private static IResult Guild(string? guildId, [FromServices] SandboxContext sandbox)
    {
        var guild = SandboxDefaults.GuildId;
        if (guildId is not null && !EndpointHelpers.TryParseSnowflake(guildId, out guild))
        {
            return BadRequest("guildId must be a snowflake.");
        }

        if (sandbox.State.GetGuild(guild) is null)
        {
            return NotFound($"No guild {guildId}.");
        }

        var channels = sandbox.State.GetGuildSnapshot(guild)!.Channels
            .Where(channel => channel.Type is 0 or 2)
            .OrderBy(channel => channel.Type)
            .ThenBy(channel => channel.Name ?? "", StringComparer.Ordinal)
            .ThenBy(channel => channel.Id)
            .Select(channel => new ConsoleChannelWire { Id = Snowflake(channel.Id), Name = channel.Name ?? "channel-" + Snowflake(channel.Id), Type = channel.Type })
            .ToList();
        return Results.Json(
            new ConsoleGuildWire
            {
                Guild = new GuildSummaryWire { Id = Snowflake(guild), Name = guild == SandboxDefaults.GuildId ? SandboxDefaults.GuildName : "guild-" + Snowflake(guild) },
                BotUserId = Snowflake(sandbox.State.BotUserId),
                Channels = channels,
                Members = sandbox.State.MemberViews(guild),
                Commands = [.. sandbox.State.Commands().Concat(sandbox.State.Commands(guild)).Select(command => command.Json)],
            },
            ControlJsonContext.Control.ConsoleGuildWire);
    }

    /// <summary>
    /// <c>{"permissions":"bits","roles":[ids],"voiceChannelId":id|null,"username":"…"}</c>, every field optional; read by
    /// hand because an absent <c>voiceChannelId</c> (stay) and a null one (leave voice) mean different things.
    /// </summary>
    private static async Task<IResult> UpdateMemberAsync(HttpContext context, string userId, [FromServices] SandboxContext sandbox)
    {
        if (!EndpointHelpers.TryParseSnowflake(userId, out var user) || sandbox.State.FindMember(user) is not { } member)
        {
            return NotFound($"No member {userId}; GET {SandboxServer.ControlPrefix}/guild lists them.");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return BadRequest(MemberUsage);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return BadRequest(MemberUsage);
        }

        ulong? permissions = null;
        List<ulong>? roles = null;
        string? username = null;
        if (body.TryGetProperty("permissions", out var bits))
        {
            if (bits.ValueKind != JsonValueKind.String || !ulong.TryParse(bits.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return BadRequest("permissions must be a permission bitfield as a decimal string, e.g. \"8192\".");
            }

            if (parsed >> (SandboxDefaults.HighestPermissionBit + 1) != 0)
            {
                return BadRequest(string.Create(CultureInfo.InvariantCulture, $"permissions has bits above {SandboxDefaults.HighestPermissionBit}, which Discord does not define."));
            }

            permissions = parsed;
        }

        if (body.TryGetProperty("roles", out var roleList))
        {
            roles = [];
            foreach (var role in roleList.ValueKind == JsonValueKind.Array ? [.. roleList.EnumerateArray()] : new[] { roleList })
            {
                if (role.ValueKind != JsonValueKind.String || !EndpointHelpers.TryParseSnowflake(role.GetString()!, out var roleId) || roleList.ValueKind != JsonValueKind.Array)
                {
                    return BadRequest("roles must be an array of role ids (strings).");
                }

                roles.Add(roleId);
            }
        }

        if (body.TryGetProperty("username", out var name))
        {
            if (name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            {
                return BadRequest("username must be a non-empty string.");
            }

            username = name.GetString()!.Trim();
        }

        if (body.TryGetProperty("voiceChannelId", out var voice))
        {
            ulong channel = 0;
            if (voice.ValueKind is not JsonValueKind.Null && (voice.ValueKind != JsonValueKind.String || !EndpointHelpers.TryParseSnowflake(voice.GetString()!, out channel)))
            {
                return BadRequest("voiceChannelId must be a voice channel's id, or null to leave voice.");
            }

            if (member.IsBot)
            {
                return BadRequest("The bot joins and leaves voice itself, through the gateway.");
            }

            try
            {
                sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, user, voice.ValueKind is JsonValueKind.Null ? null : channel);
            }
            catch (ArgumentException exception)
            {
                return BadRequest(exception.Message);
            }
        }

        var updated = sandbox.State.UpdateMember(SandboxDefaults.GuildId, user, permissions, roles, username);
        return Results.Json(updated!, ControlJsonContext.Control.ConsoleMemberWire);
    }

    private const string MemberUsage = "The body must be a JSON object: {\"permissions\":\"8192\",\"roles\":[\"…\"],\"voiceChannelId\":\"…\"|null,\"username\":\"…\"}, each optional.";

    private static async Task<IResult> ClickAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadAsync(context, ControlJsonContext.Control.ClickRequestWire);
        if (request is null || string.IsNullOrWhiteSpace(request.MessageId) || string.IsNullOrWhiteSpace(request.CustomId))
        {
            return BadRequest("The body must be JSON: {\"messageId\":\"…\",\"customId\":\"…\",\"values\":[\"…\"]} (values for select menus).");
        }

        if (!EndpointHelpers.TryParseSnowflake(request.MessageId, out var messageId) || sandbox.State.GetMessage(messageId) is not { } message)
        {
            return NotFound($"No message {request.MessageId} (it may have been deleted).");
        }

        var components = new List<JsonElement>();
        CollectComponents(message.Components, components);
        var clickable = components.Where(c => c.TryGetProperty("custom_id", out _) && !(c.TryGetProperty("disabled", out var d) && d.ValueKind == JsonValueKind.True)).ToList();
        if (clickable.FirstOrDefault(c => c.GetProperty("custom_id").GetString() == request.CustomId) is not { ValueKind: JsonValueKind.Object } component)
        {
            var ids = clickable.Select(c => c.GetProperty("custom_id").GetString()).ToList();
            return BadRequest(ids.Count == 0
                ? $"Message {request.MessageId} has no enabled component with a custom_id."
                : $"Message {request.MessageId} has no enabled component '{request.CustomId}'; it has: {string.Join(", ", ids)}.");
        }

        if (!TryActor(request.UserId, request.MemberPermissions, sandbox, out var actor, out var problem) || !TryBotUrl(request.BotUrl, out var botUrl, out problem))
        {
            return BadRequest(problem);
        }

        var type = component.TryGetProperty("type", out var t) && t.TryGetInt32(out var parsed) ? parsed : 2;
        if (type != 2 && (request.Values is null || request.Values.Count == 0))
        {
            return BadRequest($"'{request.CustomId}' is a select menu: give the chosen options in \"values\".");
        }

        var click = new ComponentInteraction { MessageId = messageId, CustomId = request.CustomId, ComponentType = type, Context = actor };
        foreach (var value in type == 2 ? [] : request.Values!)
        {
            click.Values.Add(value);
        }

        var sequence = sandbox.Recorder.NextSequence;
        return Sent(await sandbox.Sender.SendComponentAsync(click, botUrl, context.RequestAborted), sequence);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, [FromServices] SandboxContext sandbox)
    {
        var request = await ReadAsync(context, ControlJsonContext.Control.SubmitRequestWire);
        if (request is null || string.IsNullOrWhiteSpace(request.CustomId))
        {
            return BadRequest("The body must be JSON: {\"customId\":\"…\",\"fields\":{\"inputCustomId\":\"value\"}}.");
        }

        if (sandbox.State.FindOpenModal(request.CustomId) is not { } open)
        {
            var known = sandbox.State.OpenModalIds();
            return NotFound(known.Count == 0
                ? $"The bot has opened no form '{request.CustomId}' (none at all so far)."
                : $"The bot has opened no form '{request.CustomId}'; open forms: {string.Join(", ", known)}.");
        }

        var inputs = new List<JsonElement>();
        CollectComponents(open.Modal.TryGetProperty("components", out var components) ? components : default, inputs);
        var textInputs = inputs.Where(c => c.TryGetProperty("type", out var type) && type.TryGetInt32(out var value) && value == 4 && c.TryGetProperty("custom_id", out _)).ToList();
        var fields = request.Fields ?? [];
        var inputIds = textInputs.Select(c => c.GetProperty("custom_id").GetString()!).ToList();
        if (fields.Keys.FirstOrDefault(field => !inputIds.Contains(field)) is { } unknown)
        {
            return BadRequest($"The form '{request.CustomId}' has no field '{unknown}'; its fields: {string.Join(", ", inputIds)}.");
        }

        var missing = textInputs
            .Where(c => !(c.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.False))
            .Select(c => c.GetProperty("custom_id").GetString()!)
            .Where(id => string.IsNullOrEmpty(fields.GetValueOrDefault(id)))
            .ToList();
        if (missing.Count > 0)
        {
            return BadRequest($"The form '{request.CustomId}' requires: {string.Join(", ", missing)}.");
        }

        var userText = request.UserId ?? (open.Opener.UserId is { } opener ? Snowflake(opener) : null);
        if (!TryActor(userText, request.MemberPermissions, sandbox, out var actor, out var problem) || !TryBotUrl(request.BotUrl, out var botUrl, out problem))
        {
            return BadRequest(problem);
        }

        var submit = new ModalSubmitInteraction
        {
            CustomId = request.CustomId,
            MessageId = open.Opener.MessageId,
            Context = new CommandInteraction
            {
                Name = "modal",
                GuildId = open.Opener.GuildId,
                ChannelId = open.Opener.ChannelId ?? SandboxDefaults.ChannelId,
                UserId = actor.UserId,
                Username = actor.Username,
                MemberPermissions = actor.MemberPermissions,
            },
        };

        // Discord sends every text input of the form, an empty value for one left blank.
        foreach (var id in inputIds)
        {
            submit.Values[id] = fields.GetValueOrDefault(id) ?? "";
        }

        var sequence = sandbox.Recorder.NextSequence;
        return Sent(await sandbox.Sender.SendModalSubmitAsync(submit, botUrl, context.RequestAborted), sequence);
    }

    /// <summary>Who acts: the member's name and stored permissions, unless the request gives permissions.</summary>
    private static bool TryActor(string? userId, string? permissions, SandboxContext sandbox, out CommandInteraction actor, out string problem)
    {
        actor = null!;
        problem = "";
        if (!TryId(userId, "userId", SandboxDefaults.UserId, out var user, ref problem))
        {
            return false;
        }

        if (permissions is not null && !ulong.TryParse(permissions, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problem = "memberPermissions must be a permission bitfield as a decimal string.";
            return false;
        }

        actor = WithMember(new CommandInteraction { Name = "actor", UserId = user!.Value, MemberPermissions = permissions ?? SandboxDefaults.MemberPermissions }, permissions, sandbox);
        return true;
    }

    /// <summary>Every component in the tree (action rows, containers, sections' accessories, labels' inputs), depth first.</summary>
    private static void CollectComponents(JsonElement components, List<JsonElement> into)
    {
        if (components.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var component in components.EnumerateArray())
        {
            Visit(component, into);
        }

        static void Visit(JsonElement component, List<JsonElement> into)
        {
            if (component.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            into.Add(component);
            if (component.TryGetProperty("components", out var children))
            {
                CollectComponents(children, into);
            }

            if (component.TryGetProperty("accessory", out var accessory))
            {
                Visit(accessory, into);
            }

            if (component.TryGetProperty("component", out var child))
            {
                Visit(child, into);
            }
        }
    }

    private static async Task<IResult> InteractionAsync(string interactionId, double? wait, HttpContext context, [FromServices] SandboxContext sandbox)
    {
        if (!EndpointHelpers.TryParseSnowflake(interactionId, out var id))
        {
            return BadRequest("interactionId must be a snowflake.");
        }

        if (wait is < 0 || double.IsNaN(wait ?? 0))
        {
            return BadRequest($"wait must be between 0 and {MaxWaitSeconds} seconds.");
        }

        var state = await sandbox.State.WaitForFinalAsync(id, TimeSpan.FromSeconds(Math.Min(wait ?? 0, MaxWaitSeconds)), context.RequestAborted);
        return state is null
            ? NotFound($"No interaction {interactionId}.")
            : Results.Json(state, ControlJsonContext.Control.InteractionStateWire);
    }

    /// <summary>
    /// Server-sent events: replays what came after <c>?since=</c> or <c>Last-Event-ID</c>, then streams live, with a
    /// comment every 15 s so proxies and browsers keep the connection.
    /// </summary>
    private static async Task StreamEventsAsync(HttpContext context, long? since, [FromServices] SandboxContext sandbox)
    {
        var after = since;
        if (after is null && long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var lastId))
        {
            after = lastId;
        }

        using var subscription = sandbox.Events.Subscribe(after);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        try
        {
            await response.WriteAsync(": connected\n\n", aborted);
            foreach (var item in subscription.Replay)
            {
                await WriteEventAsync(response, item, aborted);
            }

            await response.Body.FlushAsync(aborted);
            var reader = subscription.Reader;
            while (!aborted.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                keepAlive.CancelAfter(KeepAliveInterval);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(keepAlive.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                    continue;
                }

                if (!more)
                {
                    // Cut off for falling behind: the browser reconnects with Last-Event-ID and replays.
                    return;
                }

                while (reader.TryRead(out var item))
                {
                    await WriteEventAsync(response, item, aborted);
                }

                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    private static Task WriteEventAsync(HttpResponse response, SandboxEvent item, CancellationToken cancellationToken)
    {
        var text = new StringBuilder()
            .Append("id: ").Append(item.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(item.Type).Append('\n');

        // Serialized JSON has no raw newlines, but a data line must not contain one either way.
        foreach (var line in item.Data.Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return response.WriteAsync(text.Append('\n').ToString(), cancellationToken);
    }

    private static IResult FaultPreset(string name, [FromServices] SandboxContext sandbox)
    {
        List<FaultRule> rules;
        switch (name)
        {
            case "rate-limit-storm":
                // Mostly route limits, then a few global ones: the bot's limiter must honour both.
                rules =
                [
                    new FaultRule { StatusCode = 429, Times = 15, RetryAfter = TimeSpan.FromSeconds(1) },
                    new FaultRule { StatusCode = 429, Times = 5, RetryAfter = TimeSpan.FromSeconds(1), Global = true },
                ];
                break;
            case "server-errors":
                rules = [new FaultRule { StatusCode = 502, Times = 5 }];
                break;
            case "revoke-token":
                sandbox.RotateBotToken(null);
                rules = [];
                break;
            default:
                return NotFound($"No fault preset '{name}'; known: {string.Join(", ", KnownPresets)}.");
        }

        foreach (var rule in rules)
        {
            sandbox.Faults.Add(rule);
        }

        return Results.Json(
            new FaultPresetWire { Preset = name, Rules = [.. rules.Select(FaultRuleWire.From)] },
            ControlJsonContext.Control.FaultPresetWire,
            statusCode: StatusCodes.Status201Created);
    }

    private static readonly string[] KnownPresets = ["rate-limit-storm", "server-errors", "revoke-token"];

    internal static IResult NotFound(string error) =>
        Results.Json(new ControlErrorWire { Error = error }, ControlJsonContext.Control.ControlErrorWire, statusCode: StatusCodes.Status404NotFound);

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
