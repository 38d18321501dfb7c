using System.CommandLine;
using Serverless.Ops.Commands;
using Serverless.Ops.Commands.Backup;
using Serverless.Ops.Commands.Controls;
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
    public static Task<int> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        OpsTerminal terminal,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, environment, output, error, terminal, timeProvider, developmentSettingsFile: null, cancellationToken);

    /// <param name="terminal">Where confirmations are read; <see cref="OpsTerminal.None"/> when no one can answer.</param>
    /// <param name="developmentSettingsFile">
    /// The local stack's settings file, read when neither <c>--settings</c> nor the environment configures the run
    /// (the program passes <c>.dev/settings.json</c> of the checkout it is run in, when dev-up has written it).
    /// </param>
    public static async Task<int> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?> environment,
        TextWriter output,
        TextWriter error,
        OpsTerminal terminal,
        TimeProvider timeProvider,
        string? developmentSettingsFile,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // The run's own copy: global options such as --storage-account become settings here, for every command alike.
        var settings = new Dictionary<string, string?>(environment, StringComparer.OrdinalIgnoreCase);
        var root = Create(settings, output, error, terminal, timeProvider, developmentSettingsFile);

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

        try
        {
            OpsOptions.ApplyStorageAccount(parse, root, settings);
        }
        catch (OpsUsageException exception)
        {
            await error.WriteLineAsync(exception.Message);
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
        TimeProvider timeProvider,
        string? developmentSettingsFile = null)
    {
        // Global options sit on the root, recursive, so they are accepted before or after the subcommand and shown once in help.
        var settings = OpsSettings.FileOption();
        var format = OpsOptions.FormatOption();
        var storageAccount = OpsOptions.StorageAccountOption();
        var context = new OpsContext(environment, settings, format, output, error, terminal, timeProvider)
        {
            DevelopmentSettingsFile = developmentSettingsFile,
        };
        return new RootCommand(
            "Operations for the serverless Discord bot.\n"
            + "Settings come from the environment (Discord__ApplicationId, Discord__BotToken, Discord__ApiBaseUrl for commands; "
            + "AzureWebJobsStorage or AzureWebJobsStorage__accountName for queues, jobs and posts, and for commands to share the bot's rate-limit state), "
            + "over the Values of --settings local.settings.json when given; with neither, the local stack's "
            + DevelopmentSettings.RelativePath + " while scripts/dev-up.sh runs (announced on standard error).\n"
            + "Storage by account name (AzureWebJobsStorage__accountName, or --storage-account NAME) signs in with the Azure chain: "
            + "az login (Azure CLI), azd, environment variables, managed identity; no key needed.\n"
            + "--output json prints one JSON document per run on standard output (ids as strings) for scripts.\n"
            + "Bulk and destructive commands take --dry-run (say what would be done, change nothing) and ask for confirmation, "
            + "which --yes (-y) gives where no one can answer.\n"
            + ExitCodes.Help + "\n"
            + "Results go to standard output; progress, prompts and errors to standard error.")
        {
            settings,
            format,
            storageAccount,
            CommandsCommand.Create(context),
            QueuesCommand.Create(context),
            JobsCommand.Create(context),
            PostsCommand.Create(context),
            ProjectionsCommand.Create(context),
            SmokeCommand.Create(context),

            FeaturesCommand.Create(context),
            GuildsCommand.Create(context),
            LimitsCommand.Create(context),
            AuditCommand.Create(context),
            BackupCommand.Create(context),
            TokenCommand.Create(context),
        };
    }
}
