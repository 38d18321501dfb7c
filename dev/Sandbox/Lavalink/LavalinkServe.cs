using System.Globalization;

namespace Serverless.Sandbox.Lavalink;

/// <summary>The Lavalink double as <c>serve</c> runs it: on the preferred port if free, else on any, and says where.</summary>
internal static class LavalinkServe
{
    /// <summary>Lavalink's own default port, so a bot configured for a local Lavalink finds the double.</summary>
    public const int DefaultPort = 2333;

    /// <summary>Like serve's own: one line per entry, sessions and warnings; a taken port is handled, not logged.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging) => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

    public static async Task<LavalinkDouble> StartAsync(int preferredPort, TextWriter output, CancellationToken cancellationToken)
    {
        LavalinkDouble lavalink;
        var note = "";
        try
        {
            lavalink = await LavalinkDouble.StartAsync(new LavalinkDoubleOptions { Port = preferredPort, ConfigureLogging = ConfigureLogging }, cancellationToken);
        }
        catch (IOException) when (preferredPort != 0)
        {
            // Most likely a real Lavalink already runs there; the double must not stop serve from starting.
            lavalink = await LavalinkDouble.StartAsync(new LavalinkDoubleOptions { ConfigureLogging = ConfigureLogging }, cancellationToken);
            note = string.Create(CultureInfo.InvariantCulture, $" (port {preferredPort} is taken)");
        }

        await output.WriteLineAsync($"""
            Lavalink double (v{lavalink.Version}) listening on {lavalink.BaseUrl}{note}, WebSocket {lavalink.WebSocketUrl}.
            Configure the companion with:
              Lavalink__Url={lavalink.BaseUrl}
              Lavalink__Password={lavalink.Password}
            Its control API (players, events, calls, faults) is under {lavalink.BaseUrl}/_double.
            """);
        return lavalink;
    }
}
