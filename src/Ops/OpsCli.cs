using System.CommandLine;
using Serverless.Ops.Commands;
using Serverless.Ops.Commands.Smoke;

namespace Serverless.Ops;

/// <summary>The <c>bot-ops</c> command line. Everything it prints goes to the writers it is given, so tests run it in-process.</summary>
public static class OpsCli
{
    public static Task<int> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, environment, output, error, OpsTerminal.None, timeProvider, cancellationToken);

    /// <param name="terminal">Where confirmations are read; <see cref="OpsTerminal.None"/> when no one can answer.</param>
    public static async Task<int> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        OpsTerminal terminal,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var root = Create(environment, output, error, terminal, timeProvider);

        // No response files: '@FILE' belongs to 'jobs send --json', which reads the job from that file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            // Reported here rather than by System.CommandLine, whose exit code for usage errors is 1, which is our drift.
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run with --help for usage.");
            return ExitCodes.UsageOrConfiguration;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    /// <summary>
    /// The command tree. Its name is the executable's, <c>bot-ops</c> (the assembly name), as help and usage show it;
    /// separate from <c>RunAsync</c> so tests can ask it for completions.
    /// </summary>
    internal static RootCommand Create(
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        OpsTerminal terminal,
        TimeProvider timeProvider)
    {
        // Global options sit on the root, recursive, so they are accepted before or after the subcommand and shown once in help.
        var settings = OpsSettings.FileOption();
        var format = OpsOptions.FormatOption();
        var context = new OpsContext(environment, settings, format, output, error, terminal, timeProvider);
        return new RootCommand(
            "Operations for the serverless Discord bot.\n"
            + "Settings come from the environment (Discord__ApplicationId, Discord__BotToken, Discord__ApiBaseUrl for commands; "
            + "AzureWebJobsStorage or AzureWebJobsStorage__accountName for queues, jobs and posts, and for commands to share the bot's rate-limit state), "
            + "over the Values of --settings local.settings.json when given.\n"
            + ExitCodes.Help + "\n"
            + "Results go to standard output; progress and errors to standard error.")
        {
            settings,
            format,
            CommandsCommand.Create(environment, settings, output, error, timeProvider),
            QueuesCommand.Create(environment, settings, output, error),
            JobsCommand.Create(environment, settings, output, error, timeProvider),
            PostsCommand.Create(environment, settings, output, error, timeProvider),
            SmokeCommand.Create(environment, settings, output, error, timeProvider),
            TokenCommand.Create(context),
        };
    }
}
