using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost;

/// <summary>
/// The CLI: <c>--script-root DIR [--port 7071] [--settings FILE]</c>.
/// Runs until Ctrl+C or until the worker has died too often to be restarted.
/// </summary>
internal static class DevHostCommand
{
    /// <summary>Exit code for a start-up error: bad metadata, a missing setting, a worker that would not start.</summary>
    public const int StartupError = 1;

    /// <summary>Exit code when the worker keeps dying and the restart limit is reached.</summary>
    public const int WorkerFailed = 3;

    public static RootCommand Create()
    {
        var scriptRoot = new Option<DirectoryInfo>("--script-root")
        {
            Description = "The isolated-worker Functions app's build or publish output: host.json, worker.config.json, functions.metadata (e.g. src/Functions/bin/Release/net10.0).",
            Required = true,
        };
        var port = new Option<int?>("--port")
        {
            Description = "Port to serve HTTP triggers on at 127.0.0.1 (0: any free port). Default: local.settings.json Host.LocalHttpPort, else 7071.",
        };
        var settings = new Option<FileInfo?>("--settings")
        {
            Description = "A local.settings.json whose Values become app settings; environment variables override them. Default: ./local.settings.json if present.",
        };
        var command = new RootCommand("Plays the Azure Functions host for an isolated-worker app: starts the worker, speaks the host's gRPC protocol, serves HTTP, queue and timer triggers.")
        {
            scriptRoot, port, settings,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            return RunAsync(
                loggerFactory => new DevHostOptions
                {
                    ScriptRoot = parseResult.GetRequiredValue(scriptRoot).FullName,
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
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning));

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
            var finished = await Task.WhenAny(stopped.Task, host.WorkerFailed);
            if (finished == host.WorkerFailed)
            {
                await Console.Error.WriteLineAsync($"devhost: the worker kept dying (last: {Worker.WorkerProcess.DescribeExit(await host.WorkerFailed)}); giving up");
                return WorkerFailed;
            }
        }

        return 0;
    }
}
