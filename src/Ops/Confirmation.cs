using System.CommandLine;

namespace Serverless.Ops;

/// <summary>
/// <c>--dry-run</c> and <c>--yes</c> for a bulk or destructive command. A dry run says what would be done and changes
/// nothing; otherwise the operator confirms at the prompt, or with <c>--yes</c> where no one can answer (scripts, CI).
/// </summary>
internal sealed class Confirmation
{
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do it without asking for confirmation." };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Say what would be done, and change nothing." };

    /// <summary>Adds both options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_dryRun);
        command.Options.Add(_yes);
        return command;
    }

    public bool IsDryRun(ParseResult parse) => parse.GetValue(_dryRun);

    /// <summary>
    /// True to go ahead. Asks on standard error when there is a terminal to answer; without one, and without
    /// <c>--yes</c>, refuses with a line that says so (the caller exits <see cref="ExitCodes.UsageOrConfiguration"/>).
    /// </summary>
    /// <param name="what">The action in words, as the question shows it: "delete 12 messages from interactions-poison".</param>
    public async Task<bool> ConfirmAsync(ParseResult parse, OpsContext context, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (parse.GetValue(_yes))
        {
            return true;
        }

        if (!context.Terminal.IsInteractive)
        {
            await context.Error.WriteLineAsync($"Not confirmed: {what}. Add --yes to do it without a prompt, or --dry-run to see what it would do.");
            return false;
        }

        await context.Error.WriteAsync($"{char.ToUpperInvariant(what[0])}{what[1..]}? [y/N] ");
        var answer = (await context.Terminal.Input.ReadLineAsync(cancellationToken))?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        await context.Error.WriteLineAsync("Cancelled; nothing changed.");
        return false;
    }
}
