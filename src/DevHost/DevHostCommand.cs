using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost;

/// <summary>
/// The CLI: <c>--script-root DIR [--handler CMD [ARGS...]] [--port 7071] [--settings FILE] [-- MORE HANDLER ARGS]</c>.
/// Runs until Ctrl+C or until the handler exits.
/// </summary>
internal static class DevHostCommand
{
    /// <summary>Exit code for a start-up error: bad metadata, a missing setting, a handler that would not start.</summary>
    public const int StartupError = 1;

    /// <summary>Exit code when the handler exits on its own while the DevHost runs.</summary>
    public const int HandlerExited = 3;

    public static RootCommand Create()
    {
        var scriptRoot = new Option<DirectoryInfo>("--script-root")
        {
            Description = "The function app folder: host.json plus one folder per function (e.g. src/Functions/bin/Debug/net10.0).",
            Required = true,
        };
        var handler = new Option<string[]>("--handler")
        {
            Description = "The handler command and its arguments, e.g. --handler dotnet path/to/Serverless.Functions.dll. Default: host.json's customHandler.description.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var port = new Option<int?>("--port")
        {
            Description = "Port to serve HTTP triggers on at 127.0.0.1 (0: any free port). Default: local.settings.json Host.LocalHttpPort, else 7071.",
        };
        var settings = new Option<FileInfo?>("--settings")
        {
            Description = "A local.settings.json whose Values become app settings; environment variables override them. Default: ./local.settings.json if present.",
        };
        var moreArguments = new Argument<string[]>("handler-arguments")
        {
            Description = "Arguments after -- are added to the handler's arguments (for ones that start with a dash).",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new RootCommand("Plays the Azure Functions host for a custom handler: HTTP forwarding, queue and timer triggers.")
        {
            scriptRoot, handler, port, settings, moreArguments,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var handlerCommand = parseResult.GetValue(handler) ?? [];
            var extra = parseResult.GetValue(moreArguments) ?? [];
            return RunAsync(
                loggerFactory => new DevHostOptions
                {
                    ScriptRoot = parseResult.GetRequiredValue(scriptRoot).FullName,
                    HandlerCommand = handlerCommand.Length > 0 ? handlerCommand[0] : null,
                    HandlerArguments = handlerCommand.Length > 0 ? [.. handlerCommand.Skip(1).Concat(extra).Select(AbsoluteIfExisting)] : null,
                    Port = parseResult.GetValue(port),
                    SettingsPath = parseResult.GetValue(settings)?.FullName,
                    LoggerFactory = loggerFactory,
                },
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(Func<ILoggerFactory, DevHostOptions> createOptions, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning));

        FunctionsDevHost host;
        try
        {
            host = await FunctionsDevHost.StartAsync(createOptions(loggerFactory), cancellationToken);
        }
        catch (DevHostException exception)
        {
            await Console.Error.WriteLineAsync($"devhost: {exception.Message}");
            return StartupError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        await using (host)
        {
            await Console.Out.WriteLineAsync($"DevHost for {host.Metadata.ScriptRoot} on {host.BaseUrl}");
            foreach (var line in host.DescribeFunctions())
            {
                await Console.Out.WriteLineAsync($"  {line}");
            }

            await Console.Out.WriteLineAsync("Press Ctrl+C to stop.");

            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => stopped.TrySetResult());
            var finished = await Task.WhenAny(stopped.Task, host.HandlerExited);
            if (finished == host.HandlerExited)
            {
                await Console.Error.WriteLineAsync($"devhost: the handler exited with code {await host.HandlerExited}");
                return HandlerExited;
            }
        }

        return 0;
    }

    /// <summary>
    /// The handler runs in the script root, not here: an argument naming a file or folder that exists relative
    /// to the current directory (say, a .dll) is made absolute so that it still points at the same thing.
    /// </summary>
    private static string AbsoluteIfExisting(string argument) =>
        !argument.StartsWith('-') && !Path.IsPathRooted(argument) && (File.Exists(argument) || Directory.Exists(argument))
            ? Path.GetFullPath(argument)
            : argument;
}
