using System.CommandLine;
using Serverless.Ops.Commands;
using Serverless.Ops.Commands.Smoke;

namespace Serverless.Ops;

/// <summary>The <c>bot-ops</c> command line. Everything it prints goes to the writers it is given, so tests run it in-process.</summary>
public static class OpsCli
{
    public static async Task<int> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var root = new RootCommand(
            "Operations for the serverless Discord bot.\n"
            + "Settings come from the environment (Discord__ApplicationId, Discord__BotToken, Discord__ApiBaseUrl for commands; "
            + "AzureWebJobsStorage or AzureWebJobsStorage__accountName for queues, jobs and posts, and for commands to share the bot's rate-limit state), "
            + "over the Values of --settings local.settings.json when given.\n"
            + ExitCodes.Help)
        {
            CommandsCommand.Create(environment, output, error, timeProvider),
            QueuesCommand.Create(environment, output, error),
            JobsCommand.Create(environment, output, error, timeProvider),
            PostsCommand.Create(environment, output, error, timeProvider),
            SmokeCommand.Create(environment, output, error, timeProvider),
        };

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
}
