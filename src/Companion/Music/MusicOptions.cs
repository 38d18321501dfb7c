using Microsoft.Extensions.Options;

namespace Serverless.Companion.Music;

/// <summary>The music worker's pacing and search, bound from <c>Music__*</c>.</summary>
public sealed class MusicOptions
{
    public const string SectionName = "Music";

    /// <summary>How long the bot stays in a channel with nothing playing, or with nobody listening (<c>Music__IdleTimeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Put before text that is not a link (<c>Music__SearchPrefix</c>): <c>ytsearch:</c>, <c>ytmsearch:</c>, <c>scsearch:</c>.</summary>
    public string SearchPrefix { get; set; } = "ytsearch:";

    /// <summary>After Discord closes the voice connection (4014, 4015): at most one rejoin per guild this often.</summary>
    public TimeSpan RejoinCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rejoins tried within <see cref="RejoinWindow"/> before giving up and telling the text channel.</summary>
    public int MaxRejoinAttempts { get; set; } = 3;

    /// <summary>Rejoin attempts older than this are forgotten.</summary>
    public TimeSpan RejoinWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the playback position is written to storage at most (for resuming after a restart).</summary>
    public TimeSpan PositionSaveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the now-playing message is edited at most, except when the track or pause state changes.</summary>
    public TimeSpan NowPlayingEditInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Comma-separated hosts whose links <c>/music play</c> takes, each with its subdomains (<c>Music__AllowedUrlHosts</c>,
    /// e.g. <c>youtube.com,youtu.be,soundcloud.com</c>). Empty: any public host. Either way links to non-public
    /// addresses are refused.
    /// </summary>
    public string? AllowedUrlHosts { get; set; }

    /// <summary><see cref="AllowedUrlHosts"/> split, trimmed and without trailing dots; empty when unset.</summary>
    public IReadOnlyList<string> AllowedHosts() =>
        [.. (AllowedUrlHosts ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(host => host.TrimEnd('.'))];
}

public sealed class MusicOptionsValidator : IValidateOptions<MusicOptions>
{
    public ValidateOptionsResult Validate(string? name, MusicOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.IdleTimeout < TimeSpan.FromSeconds(5))
        {
            failures.Add($"Music__IdleTimeout must be at least 00:00:05 (it is {options.IdleTimeout}).");
        }

        if (string.IsNullOrWhiteSpace(options.SearchPrefix) || !options.SearchPrefix.EndsWith(':'))
        {
            failures.Add($"Music__SearchPrefix must be a Lavalink search prefix ending in ':' such as ytsearch: (it is '{options.SearchPrefix}').");
        }

        if (options.RejoinCooldown <= TimeSpan.Zero || options.MaxRejoinAttempts < 1 || options.RejoinWindow < options.RejoinCooldown)
        {
            failures.Add("Music__RejoinCooldown must be positive, Music__MaxRejoinAttempts at least 1 and Music__RejoinWindow at least the cooldown.");
        }

        if (options.PositionSaveInterval <= TimeSpan.Zero || options.NowPlayingEditInterval < TimeSpan.FromSeconds(5))
        {
            failures.Add("Music__PositionSaveInterval must be positive and Music__NowPlayingEditInterval at least 00:00:05.");
        }

        var badHosts = options.AllowedHosts().Where(host => Uri.CheckHostName(host) != UriHostNameType.Dns).ToList();
        if (badHosts.Count > 0)
        {
            failures.Add($"Music__AllowedUrlHosts must be comma-separated host names such as youtube.com,soundcloud.com (not: {string.Join(", ", badHosts)}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
