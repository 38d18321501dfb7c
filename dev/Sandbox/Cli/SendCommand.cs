using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Cli;

/// <summary><c>send</c> and <c>ping</c>: ask a running sandbox to sign and send an interaction, then show what the bot did.</summary>
internal static class SendCommand
{
    public static Command CreateSend(TextWriter output, TextWriter error, TimeProvider time)
    {
        var name = new Argument<string[]>("command") { Description = "The command, e.g. /ping, or with a subcommand: /music play.", Arity = ArgumentArity.OneOrMore };
        var options = new Option<string[]>("--option", "-o") { Description = "name=value or name:type=value (string, integer, number, boolean, user, channel, role, mentionable); repeatable." };
        var channel = new Option<string?>("--channel") { Description = "The channel it is used in (an id; default: #general)." };
        var sandbox = InteractionRun.SandboxOption();
        var wait = InteractionRun.WaitOption();
        var botUrl = InteractionRun.BotUrlOption();
        var actAs = InteractionRun.AsOption();
        var permissions = InteractionRun.PermissionsOption();
        var command = new Command("send", "Send a slash command to the bot through a running sandbox; print the final answer.")
        {
            name, options, channel, actAs, permissions, sandbox, wait, botUrl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var parsed = new List<CommandOption>();
            foreach (var text in parse.GetValue(options) ?? [])
            {
                if (!CommandOption.TryParse(text, out var option, out var problem))
                {
                    await error.WriteLineAsync(problem);
                    return SandboxCli.UsageOrUnreachable;
                }

                parsed.Add(option!);
            }

            var words = parse.GetValue(name)!;
            return await InteractionRun.RunAsync(
                parse.GetValue(sandbox)!, parse.GetValue(wait), parse.GetValue(actAs), parse.GetValue(permissions),
                (client, actor, token) => client.SendAsync(
                    "_sandbox/interactions",
                    new SendInteractionRequestWire
                    {
                        Name = string.Join(' ', words),
                        Options = OptionsJson(parsed),
                        ChannelId = parse.GetValue(channel),
                        UserId = actor.UserId,
                        BotUrl = parse.GetValue(botUrl),
                    },
                    ControlJsonContext.Control.SendInteractionRequestWire,
                    token),
                output, error, time, cancellationToken);
        });
        return command;
    }

    public static Command CreatePing(TextWriter output, TextWriter error, TimeProvider time)
    {
        var sandbox = InteractionRun.SandboxOption();
        var botUrl = InteractionRun.BotUrlOption();
        var command = new Command("ping", "Send a PING interaction (as Discord does when the endpoint URL is saved).") { sandbox, botUrl };
        command.SetAction((parse, cancellationToken) => InteractionRun.RunAsync(
            parse.GetValue(sandbox)!, 10, null, null,
            (client, _, token) => client.SendAsync(
                "_sandbox/interactions",
                new SendInteractionRequestWire { Ping = true, BotUrl = parse.GetValue(botUrl) },
                ControlJsonContext.Control.SendInteractionRequestWire,
                token),
            output, error, time, cancellationToken));
        return command;
    }

    /// <summary>The options as the control API's array form, with explicit types so nothing is re-guessed.</summary>
    private static JsonElement? OptionsJson(List<CommandOption> options)
    {
        if (options.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var option in options)
            {
                writer.WriteStartObject();
                writer.WriteString("name", option.Name);
                writer.WriteNumber("type", (int)option.Type);
                writer.WritePropertyName("value");
                switch (option.Value)
                {
                    case bool boolean:
                        writer.WriteBooleanValue(boolean);
                        break;
                    case long integer:
                        writer.WriteNumberValue(integer);
                        break;
                    case double number:
                        writer.WriteNumberValue(number);
                        break;
                    default:
                        writer.WriteStringValue(option.Value?.ToString());
                        break;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
