using System.CommandLine;

namespace Serverless.Sandbox.Cli;

/// <summary>
/// <c>serve</c> runs the sandbox; <c>send</c>, <c>click</c>, <c>submit</c> and <c>ping</c> ask a running one to sign and
/// send an interaction and print the final answer; <c>members</c> and <c>messages</c> show the guild.
/// Exit codes: 0 the bot answered, 1 it refused, failed or gave no final answer in time, 2 usage error or sandbox unreachable.
/// </summary>
internal static class SandboxCli
{
    public const int Ok = 0;
    public const int BotFailed = 1;
    public const int UsageOrUnreachable = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var time = timeProvider ?? TimeProvider.System;
        var root = new RootCommand("An offline stand-in for Discord: its REST API, its signed interactions, and a record of what the bot did.")
        {
            ServeCommand.Create(output, error),
            SendCommand.CreateSend(output, error, time),
            SendCommand.CreatePing(output, error, time),
            ComponentCommands.CreateClick(output, error, time),
            ComponentCommands.CreateSubmit(output, error, time),
            BrowseCommands.CreateMembers(output, error),
            BrowseCommands.CreateMessages(output, error),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Reported here rather than by System.CommandLine, whose exit code for usage errors is 1: ours is 2.
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run with --help for usage.");
            return UsageOrUnreachable;
        }

        // No termination handling by System.CommandLine: it would answer Ctrl+C with exit code 130 at once,
        // before serve has stopped. Serve handles the signals itself; the other commands may simply die.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken);
    }
}
