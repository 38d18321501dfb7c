using System.Globalization;

namespace Serverless.Companion.Lavalink;

/// <summary>
/// A Lavalink server version as <c>GET /v4/info</c> reports it, compared by semantic-versioning rules:
/// a pre-release sorts before its release (4.2.0-rc.1 &lt; 4.2.0), build metadata is ignored.
/// </summary>
public sealed record LavalinkVersion(int Major, int Minor, int Patch, string? PreRelease, string Text) : IComparable<LavalinkVersion>
{
    /// <summary>4.2.0 is the first Lavalink with DAVE (end-to-end encrypted voice), which Discord requires since March 2026.</summary>
    public static readonly LavalinkVersion Minimum = new(4, 2, 0, null, "4.2.0");

    /// <summary>Parses <c>MAJOR.MINOR.PATCH[-PRE][+BUILD]</c>, with an optional leading <c>v</c>; false for anything else (e.g. a bare commit hash).</summary>
    public static bool TryParse(string? text, out LavalinkVersion version)
    {
        version = Minimum;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var core = trimmed.StartsWith('v') || trimmed.StartsWith('V') ? trimmed[1..] : trimmed;
        var plus = core.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            core = core[..plus];
        }

        string? preRelease = null;
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            preRelease = core[(dash + 1)..];
            core = core[..dash];
            if (preRelease.Length == 0)
            {
                return false;
            }
        }

        var parts = core.Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new LavalinkVersion(major, minor, patch, preRelease, trimmed);
        return true;
    }

    /// <summary>At least <see cref="Minimum"/>.</summary>
    public bool IsSupported => CompareTo(Minimum) >= 0;

    public int CompareTo(LavalinkVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byNumber = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (byNumber != 0)
        {
            return byNumber;
        }

        return (PreRelease, other.PreRelease) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => ComparePreRelease(PreRelease!, other.PreRelease!),
        };
    }

    public override string ToString() => Text;

    /// <summary>Semver §11: dot-separated identifiers, numeric ones compared as numbers and below alphanumeric ones.</summary>
    private static int ComparePreRelease(string left, string right)
    {
        var a = left.Split('.');
        var b = right.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var aNumeric = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var aNumber);
            var bNumeric = long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var bNumber);
            var result = (aNumeric, bNumeric) switch
            {
                (true, true) => aNumber.CompareTo(bNumber),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (result != 0)
            {
                return result;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    public static bool operator <(LavalinkVersion left, LavalinkVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(LavalinkVersion left, LavalinkVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(LavalinkVersion left, LavalinkVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LavalinkVersion left, LavalinkVersion right) => left.CompareTo(right) >= 0;
}

/// <summary>The outcome of checking a server's version against <see cref="LavalinkVersion.Minimum"/>.</summary>
public sealed record LavalinkVersionCheck(bool Supported, string VersionText, string? Problem)
{
    /// <summary>
    /// Refuses a parsable version older than 4.2.0 (including 4.2.0's own pre-releases). A string that is not semver
    /// at all (a development build named after a commit) is let through with a warning in <see cref="Problem"/>:
    /// we cannot tell, and refusing would lock out someone who built Lavalink from source.
    /// </summary>
    public static LavalinkVersionCheck Evaluate(string? versionText)
    {
        var text = string.IsNullOrWhiteSpace(versionText) ? "(unknown)" : versionText.Trim();
        if (!LavalinkVersion.TryParse(versionText, out var version))
        {
            return new LavalinkVersionCheck(true, text,
                $"Lavalink reports the version '{text}', which is not MAJOR.MINOR.PATCH; assuming it is {LavalinkVersion.Minimum} or newer (DAVE voice).");
        }

        return version.IsSupported
            ? new LavalinkVersionCheck(true, text, null)
            : new LavalinkVersionCheck(false, text,
                $"Lavalink {text} is too old: {LavalinkVersion.Minimum} or newer is required since Discord requires end-to-end encrypted voice (DAVE) "
                + "from March 2026 and refuses older voice clients (close code 4017). Upgrade the Lavalink server (4.2.2 recommended).");
    }
}
