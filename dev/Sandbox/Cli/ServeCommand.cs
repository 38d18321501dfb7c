using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Serverless.Sandbox.Crypto;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Lavalink;

namespace Serverless.Sandbox.Cli;

internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => SandboxDefaults.CliPort };
        var botUrl = new Option<string>("--bot-url") { Description = "The bot's interactions endpoint.", DefaultValueFactory = _ => SandboxDefaults.BotInteractionsUrl.ToString() };
        var keyFile = new Option<string?>("--key-file") { Description = "File holding the signing key seed, so restarts keep the public key; created (mode 600) if missing." };
        var lavalinkPort = new Option<int>("--lavalink-port") { Description = "Port of the Lavalink double (0: any free port; if taken, another is picked).", DefaultValueFactory = _ => LavalinkServe.DefaultPort };
        var heartbeat = new Option<int>("--heartbeat-interval") { Description = "Gateway heartbeat interval sent in Hello, in milliseconds.", DefaultValueFactory = _ => 41250 };
        var shards = new Option<int>("--shards") { Description = "Shard count GET /gateway/bot recommends and the gateway requires.", DefaultValueFactory = _ => 1 };
        var command = new Command("serve", "Run the sandbox (REST, interactions, the gateway on /gateway) and the Lavalink double until Ctrl+C.")
        {
            port, botUrl, keyFile, lavalinkPort, heartbeat, shards,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(port),
            parse.GetValue(botUrl)!,
            parse.GetValue(keyFile),
            parse.GetValue(lavalinkPort),
            new GatewaySettings(parse.GetValue(heartbeat), parse.GetValue(shards)),
            output,
            error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int port, string botUrl, string? keyFile, int lavalinkPort, GatewaySettings gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            await error.WriteLineAsync($"--port must be between 0 and 65535, not {port}.");
            return SandboxCli.UsageOrUnreachable;
        }

        if (lavalinkPort is < 0 or > 65535)
        {
            await error.WriteLineAsync($"--lavalink-port must be between 0 and 65535, not {lavalinkPort}.");
            return SandboxCli.UsageOrUnreachable;
        }

        if (gateway.HeartbeatIntervalMilliseconds < 1 || gateway.Shards < 1)
        {
            await error.WriteLineAsync("--heartbeat-interval and --shards must be at least 1.");
            return SandboxCli.UsageOrUnreachable;
        }

        if (!Uri.TryCreate(botUrl, UriKind.Absolute, out var botUri) || (botUri.Scheme != Uri.UriSchemeHttp && botUri.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"--bot-url must be an absolute http(s) URL, not '{botUrl}'.");
            return SandboxCli.UsageOrUnreachable;
        }

        string? seed = null;
        var keyNote = "a new signing key (pass --key-file to keep it across restarts)";
        if (keyFile is not null)
        {
            try
            {
                var (seedHex, created) = await SigningKeyFile.LoadOrCreateAsync(keyFile, cancellationToken);
                seed = seedHex;
                keyNote = created ? $"a new signing key, saved to {keyFile}" : $"the signing key from {keyFile}";
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await error.WriteLineAsync($"Cannot use key file '{keyFile}': {exception.Message}");
                return SandboxCli.UsageOrUnreachable;
            }
        }

        SandboxServer sandbox;
        try
        {
            sandbox = await SandboxServer.StartAsync(
                new SandboxOptions
                {
                    Port = port,
                    BotInteractionsUrl = botUri,
                    SigningKeySeedHex = seed,
                    Gateway = new SandboxGatewayOptions
                    {
                        HeartbeatInterval = TimeSpan.FromMilliseconds(gateway.HeartbeatIntervalMilliseconds),
                        ShardCount = gateway.Shards,
                    },
                    ConfigureLogging = logging => logging
                        .AddSimpleConsole(console =>
                        {
                            console.SingleLine = true;
                            console.TimestampFormat = "HH:mm:ss ";
                        })
                        .SetMinimumLevel(LogLevel.Information)
                        .AddFilter("Microsoft", LogLevel.Warning)
                        // Start-up failures (port in use) are reported below in one line, not as a logged stack trace.
                        .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None),
                },
                cancellationToken);
        }
        catch (IOException exception)
        {
            await error.WriteLineAsync($"Cannot listen on 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}: {exception.Message}");
            return SandboxCli.UsageOrUnreachable;
        }

        await using (sandbox)
        {
            await using var lavalink = await LavalinkServe.StartAsync(lavalinkPort, output, cancellationToken);
            await output.WriteLineAsync($"""
                Discord sandbox listening on {sandbox.BaseUrl} with {keyNote}.
                Configure the bot with:
                  Discord__ApplicationId={sandbox.ApplicationId.ToString(CultureInfo.InvariantCulture)}
                  Discord__PublicKey={sandbox.PublicKeyHex}
                  Discord__ApiBaseUrl={sandbox.ApiBaseUrl}
                  Discord__BotToken={sandbox.BotToken}
                Interactions go to {sandbox.BotInteractionsUrl}.
                Gateway: {sandbox.GatewayUrl} (v10, JSON; control under {sandbox.BaseUrl}/_sandbox/gateway).
                Press Ctrl+C to stop.
                """);
            await output.FlushAsync(cancellationToken);
            await WaitForStopAsync(cancellationToken);
        }

        await output.WriteLineAsync("Sandbox stopped.");
        return SandboxCli.Ok;
    }

    /// <summary>Until Ctrl+C or SIGTERM (a dev script stopping us): both are the normal way to stop, so exit 0.</summary>
    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what we were waiting for.
        }
    }

    private sealed record GatewaySettings(int HeartbeatIntervalMilliseconds, int Shards);
}
