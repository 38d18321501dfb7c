using System.CommandLine;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Cli;

/// <summary><c>click</c> and <c>submit</c>: press a button or pick from a select on a message, fill in a form the bot opened.</summary>
internal static class ComponentCommands
{
    public static Command CreateClick(TextWriter output, TextWriter error, TimeProvider time)
    {
        var message = new Argument<string>("message") { Description = "The id of the message the component is on (send and messages print it)." };
        var customId = new Argument<string>("custom-id") { Description = "The button's or select menu's custom_id." };
        var values = new Option<string[]>("--value") { Description = "For a select menu: a chosen option's value; repeatable." };
        var sandbox = InteractionRun.SandboxOption();
        var wait = InteractionRun.WaitOption();
        var botUrl = InteractionRun.BotUrlOption();
        var actAs = InteractionRun.AsOption();
        var permissions = InteractionRun.PermissionsOption();
        var command = new Command("click", "Click a button (or choose in a select menu) on a message; print the final answer.")
        {
            message, customId, values, actAs, permissions, sandbox, wait, botUrl,
        };
        command.SetAction((parse, cancellationToken) => InteractionRun.RunAsync(
            parse.GetValue(sandbox)!, parse.GetValue(wait), parse.GetValue(actAs), parse.GetValue(permissions),
            (client, actor, token) => client.SendAsync(
                "_sandbox/clicks",
                new ClickRequestWire
                {
                    MessageId = parse.GetValue(message),
                    CustomId = parse.GetValue(customId),
                    Values = parse.GetValue(values) is { Length: > 0 } chosen ? [.. chosen] : null,
                    UserId = actor.UserId,
                    BotUrl = parse.GetValue(botUrl),
                },
                ControlJsonContext.Control.ClickRequestWire,
                token),
            output, error, time, cancellationToken));
        return command;
    }

    public static Command CreateSubmit(TextWriter output, TextWriter error, TimeProvider time)
    {
        var customId = new Argument<string>("custom-id") { Description = "The form's custom_id (send prints it when the bot opens one)." };
        var fields = new Argument<string[]>("fields") { Description = "field=value for each text input, by its custom_id.", Arity = ArgumentArity.ZeroOrMore };
        var sandbox = InteractionRun.SandboxOption();
        var wait = InteractionRun.WaitOption();
        var botUrl = InteractionRun.BotUrlOption();
        var actAs = InteractionRun.AsOption();
        var permissions = InteractionRun.PermissionsOption();
        var command = new Command("submit", "Submit the form the bot opened most recently with this custom_id; print the final answer.")
        {
            customId, fields, actAs, permissions, sandbox, wait, botUrl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in parse.GetValue(fields) ?? [])
            {
                var equals = field.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    await error.WriteLineAsync($"'{field}' is not field=value.");
                    return SandboxCli.UsageOrUnreachable;
                }

                values[field[..equals]] = field[(equals + 1)..];
            }

            return await InteractionRun.RunAsync(
                parse.GetValue(sandbox)!, parse.GetValue(wait), parse.GetValue(actAs), parse.GetValue(permissions),
                (client, actor, token) => client.SendAsync(
                    "_sandbox/submits",
                    new SubmitRequestWire
                    {
                        CustomId = parse.GetValue(customId),
                        Fields = values,
                        UserId = actor.UserId,
                        BotUrl = parse.GetValue(botUrl),
                    },
                    ControlJsonContext.Control.SubmitRequestWire,
                    token),
                output, error, time, cancellationToken);
        });
        return command;
    }
}
