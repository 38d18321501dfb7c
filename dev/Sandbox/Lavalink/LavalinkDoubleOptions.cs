using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Serverless.Sandbox.Lavalink;

/// <summary>How a <see cref="LavalinkDouble"/> is started. Every value has a default that suits tests.</summary>
public sealed class LavalinkDoubleOptions
{
    /// <summary>Lavalink's own default password; clients are configured with it out of the box.</summary>
    public const string DefaultPassword = "youshallnotpass";

    /// <summary>The newest Lavalink release, the first line with DAVE fixes.</summary>
    public const string DefaultVersion = "4.2.2";

    /// <summary>Port on 127.0.0.1; 0 picks a free port (kept across <see cref="LavalinkDouble.RestartAsync"/>).</summary>
    public int Port { get; init; }

    /// <summary>Expected verbatim in <c>Authorization</c>, as Lavalink does (no scheme word).</summary>
    public string Password { get; init; } = DefaultPassword;

    /// <summary>Semantic version served by <c>/version</c> and <c>/v4/info</c>; e.g. "4.1.0" to play an old server.</summary>
    public string Version { get; init; } = DefaultVersion;

    /// <summary>Every clock in the double: playback positions, track ends, update intervals, resume timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Played milliseconds per elapsed millisecond; 50 ends a 180 s track in 3.6 s.</summary>
    public double PlaybackSpeed { get; init; } = 1;

    /// <summary>Length of synthetic tracks that do not set one (<c>sandbox:track?length=…</c> does).</summary>
    public TimeSpan DefaultTrackLength { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Lavalink's <c>playerUpdateInterval</c> (5 s by default).</summary>
    public TimeSpan PlayerUpdateInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the <c>stats</c> op goes out; Lavalink sends it every minute.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Reported as <c>thresholdMs</c> in scripted TrackStuckEvents (Lavalink's <c>trackStuckThresholdMs</c>).</summary>
    public TimeSpan TrackStuckThreshold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Hits per <c>ytsearch:</c>/<c>scsearch:</c> query.</summary>
    public int SearchResultCount { get; init; } = 5;

    /// <summary>Tracks in a playlist loaded from a URL containing "playlist".</summary>
    public int PlaylistTrackCount { get; init; } = 3;

    /// <summary>Oldest calls are dropped beyond this, so a long <c>serve</c> session does not grow without bound.</summary>
    public int MaxRecordedCalls { get; init; } = 10_000;

    /// <summary>Replaces the default logging (console, warnings and above).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add($"Port must be between 0 and 65535 (was {Port}).");
        }

        if (string.IsNullOrEmpty(Password))
        {
            problems.Add("Password must not be empty.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(Version ?? "", @"^\d+\.\d+\.\d+"))
        {
            problems.Add($"Version must start with MAJOR.MINOR.PATCH (was '{Version}').");
        }

        if (!(PlaybackSpeed > 0) || double.IsInfinity(PlaybackSpeed))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"PlaybackSpeed must be a positive number (was {PlaybackSpeed})."));
        }

        if (DefaultTrackLength <= TimeSpan.Zero || PlayerUpdateInterval <= TimeSpan.Zero || StatsInterval <= TimeSpan.Zero || TrackStuckThreshold <= TimeSpan.Zero)
        {
            problems.Add("DefaultTrackLength, PlayerUpdateInterval, StatsInterval and TrackStuckThreshold must be positive.");
        }

        if (SearchResultCount < 1 || PlaylistTrackCount < 1 || MaxRecordedCalls < 1)
        {
            problems.Add("SearchResultCount, PlaylistTrackCount and MaxRecordedCalls must be at least 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Lavalink double options: " + string.Join(" ", problems), nameof(LavalinkDoubleOptions));
        }
    }
}
