using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Serverless.Sandbox.Hosting;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// <c>scripts/dev-up.sh</c>'s checks that run before it installs or builds anything, so they cost seconds: a stack
/// already running on its ports is reported (exit 0), and a port held by another program is an error naming the
/// variable that moves it. Starting the whole stack is tested by hand (see the README); it builds for minutes.
/// </summary>
public sealed class DevUpScriptTests
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "scripts", "dev-up.sh");

    [Fact]
    public async Task OurServicesOnItsPorts_AreReportedAsAlreadyRunning_WithTheWebConsole()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var sandboxPort = new Uri(sandbox.BaseUrl).Port;

        // The bot's and the companion's health as they answer them; what the script recognises them by.
        using var bot = Answer("/api/healthz", """{"status":"ok"}""", out var botPort);
        using var companion = Answer("/healthz", """{"status":"ok","gateway":{"status":"ok"}}""", out var companionPort);

        var (exitCode, output) = await RunAsync(botPort, companionPort, sandboxPort);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"dev-up    | The bot is already running: interactions on http://127.0.0.1:{botPort}/api/interactions", output, StringComparison.Ordinal);
        Assert.Contains($"dev-up    | Web console: http://127.0.0.1:{sandboxPort}/", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Building", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortHeldByAnotherProgram_IsAnErrorNamingItsVariable()
    {
        // Takes connections and never answers, as a program that is not ours might.
        using var foreign = new TcpListener(IPAddress.Loopback, 0);
        foreign.Start();
        var foreignPort = ((IPEndPoint)foreign.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync(ProcessRunner.FreePort(), foreignPort, ProcessRunner.FreePort());

        Assert.True(exitCode == 1, output);
        Assert.Contains($"dev-up    | Port {foreignPort} (the companion) is in use by another process: stop it, or set COMPANION_PORT to a free port.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Building", output, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(int botPort, int companionPort, int sandboxPort) =>
        ProcessRunner.RunAsync("bash", [Script], TimeSpan.FromSeconds(60), new Dictionary<string, string>
        {
            ["PORT"] = botPort.ToString(CultureInfo.InvariantCulture),
            ["COMPANION_PORT"] = companionPort.ToString(CultureInfo.InvariantCulture),
            ["SANDBOX_PORT"] = sandboxPort.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>A loopback HTTP server answering <paramref name="path"/> with <paramref name="json"/>, and 404 elsewhere.</summary>
    private static HttpListener Answer(string path, string json, out int port)
    {
        port = ProcessRunner.FreePort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var found = context.Request.Url?.AbsolutePath == path;
                context.Response.StatusCode = found ? 200 : 404;
                context.Response.ContentType = "application/json";
                var body = Encoding.UTF8.GetBytes(found ? json : "{}");
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        return listener;
    }
}
