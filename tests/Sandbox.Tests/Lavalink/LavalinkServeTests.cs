using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Serverless.Sandbox.Cli;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

public sealed partial class LavalinkServeTests
{
    [Fact]
    public async Task Serve_StartsTheLavalinkDouble_AndPrintsItsUrlAndPassword()
    {
        var (printed, exit) = await ServeUntilReadyAsync("--lavalink-port", "0");

        Assert.Equal(0, exit);
        var url = BaseUrlLine().Match(printed);
        Assert.True(url.Success, printed);
        Assert.Contains("Lavalink__Password=youshallnotpass", printed, StringComparison.Ordinal);
        Assert.Contains("Discord__ApiBaseUrl=", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WhenTheLavalinkPortIsTaken_PicksAnotherAndSaysSo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (printed, exit) = await ServeUntilReadyAsync("--lavalink-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, exit);
        Assert.Contains($"(port {port} is taken)", printed, StringComparison.Ordinal);
        var url = BaseUrlLine().Match(printed);
        Assert.True(url.Success, printed);
        Assert.NotEqual(port.ToString(System.Globalization.CultureInfo.InvariantCulture), url.Groups["port"].Value);
    }

    [Fact]
    public async Task Serve_WithAnInvalidLavalinkPort_Exits2()
    {
        var exit = await SandboxCli.RunAsync(["serve", "--port", "0", "--lavalink-port", "70000"], TextWriter.Null, TextWriter.Null, TestContext.Token);

        Assert.Equal(2, exit);
    }

    private static async Task<(string Printed, int Exit)> ServeUntilReadyAsync(params string[] extra)
    {
        using var output = new SynchronizedWriter();
        using var stop = new CancellationTokenSource();
        var run = SandboxCli.RunAsync(["serve", "--port", "0", .. extra], output, TextWriter.Null, stop.Token);
        for (var i = 0; i < 200 && !output.ToString().Contains("Ctrl+C", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50, TestContext.Token);
        }

        var printed = output.ToString();
        await stop.CancelAsync();
        return (printed, await run.WaitAsync(Sandboxes.WaitTimeout, TestContext.Token));
    }

    [GeneratedRegex(@"Lavalink__Url=http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex BaseUrlLine();

    /// <summary>The CLI writes from the serve task while the test reads.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }

            return Task.CompletedTask;
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
