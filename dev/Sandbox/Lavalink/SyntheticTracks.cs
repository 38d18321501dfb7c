using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Sandbox.Lavalink;

/// <summary>What <c>/v4/loadtracks</c> found: one of Lavalink's five load types with its data.</summary>
internal sealed record LoadOutcome(string LoadType, object Data)
{
    public static LoadOutcome Empty { get; } = new("empty", new EmptyWire());

    public LoadResultWire ToWire() => new() { LoadType = LoadType, Data = Data };
}

/// <summary>
/// Made-up search results and tracks, the same for the same identifier on every run, and the codec for
/// <c>encoded</c>: base64 of a marker plus the track info as JSON, so <c>decodetrack</c> gives back the info.
/// </summary>
internal sealed class SyntheticTracks(LavalinkDoubleOptions options)
{
    public const string Prefix = "sandbox:";

    // Not Lavalink's binary format (that starts "QAAA"); clients treat encoded tracks as opaque anyway.
    private static readonly byte[] Marker = "LLDBL1"u8.ToArray();

    public LoadOutcome Load(string identifier)
    {
        identifier = identifier.Trim();
        if (TrySplit(identifier, "ytsearch:", out var query) || TrySplit(identifier, "ytmsearch:", out query))
        {
            return Search(query, "youtube");
        }

        if (TrySplit(identifier, "scsearch:", out query))
        {
            return Search(query, "soundcloud");
        }

        if (identifier.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return LoadScripted(identifier);
        }

        if (Uri.TryCreate(identifier, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return LoadUrl(url);
        }

        // Plain text without a search prefix: Lavalink tries it as a local or remote reference and finds nothing.
        return LoadOutcome.Empty;
    }

    public static TrackWire Encode(TrackInfoWire info, JsonElement? userData = null)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(info with { Position = 0 }, LavalinkJsonContext.Wire.TrackInfoWire);
        return new TrackWire
        {
            Encoded = Convert.ToBase64String([.. Marker, .. json]),
            Info = info,
            UserData = userData ?? LavalinkJson.EmptyObject,
        };
    }

    public static bool TryDecode(string? encoded, out TrackInfoWire info)
    {
        info = null!;
        if (string.IsNullOrEmpty(encoded))
        {
            return false;
        }

        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written) || written < Marker.Length || !bytes.AsSpan(0, Marker.Length).SequenceEqual(Marker))
        {
            return false;
        }

        try
        {
            info = JsonSerializer.Deserialize(bytes.AsSpan(Marker.Length, written - Marker.Length), LavalinkJsonContext.Wire.TrackInfoWire)!;
            return info is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private LoadOutcome Search(string query, string source)
    {
        query = query.Trim();

        // A bot searches whatever a user typed that is not a link; a scripted identifier typed as the query still
        // scripts the result, so end-to-end tests control titles and lengths through the bot's real search path.
        if (query.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return LoadScripted(query);
        }

        if (query.Length == 0)
        {
            return LoadOutcome.Empty;
        }

        var tracks = Enumerable.Range(1, options.SearchResultCount)
            .Select(i => Encode(Make(source, $"{source}-search:{query}:{i}", $"{query} (result {i})", $"Sandbox Artist {i}", null)))
            .ToList();
        return new LoadOutcome("search", tracks);
    }

    private LoadOutcome LoadUrl(Uri url)
    {
        var source = url.Host.Contains("youtube", StringComparison.OrdinalIgnoreCase) || url.Host.Contains("youtu.be", StringComparison.OrdinalIgnoreCase) ? "youtube"
            : url.Host.Contains("soundcloud", StringComparison.OrdinalIgnoreCase) ? "soundcloud"
            : "http";
        var name = Uri.UnescapeDataString(url.Segments.LastOrDefault()?.Trim('/') ?? "");
        name = name.Length == 0 ? url.Host : name;
        if (url.OriginalString.Contains("playlist", StringComparison.OrdinalIgnoreCase))
        {
            var tracks = Enumerable.Range(1, options.PlaylistTrackCount)
                .Select(i => Encode(Make(source, $"{url.OriginalString}#{i}", $"{name} – track {i}", "Sandbox Playlist Artist", null)))
                .ToList();
            return new LoadOutcome("playlist", new PlaylistWire { Info = new PlaylistInfoWire { Name = $"Playlist {name}", SelectedTrack = -1 }, Tracks = tracks });
        }

        var info = Make(source, url.OriginalString, $"Track {name}", "Sandbox Artist", null);
        // An http source's identifier is the URL itself; keep its uri exact too.
        return new LoadOutcome("track", Encode(source == "http" ? info with { Identifier = url.OriginalString, Uri = url.OriginalString } : info with { Uri = url.OriginalString }));
    }

    /// <summary><c>sandbox:track?…</c>, <c>sandbox:playlist?…</c>, <c>sandbox:error?…</c>, <c>sandbox:empty</c>.</summary>
    private LoadOutcome LoadScripted(string identifier)
    {
        var rest = identifier[Prefix.Length..];
        var questionMark = rest.IndexOf('?', StringComparison.Ordinal);
        var kind = (questionMark < 0 ? rest : rest[..questionMark]).ToLowerInvariant();
        var query = ParseQuery(questionMark < 0 ? "" : rest[(questionMark + 1)..]);
        string? Get(string key) => query.TryGetValue(key, out var value) ? value : null;

        if (kind.StartsWith("error", StringComparison.Ordinal))
        {
            var message = Get("message") ?? "Sandbox: this track is unavailable";
            return new LoadOutcome("error", new ExceptionWire
            {
                Message = message,
                Severity = Get("severity") ?? "common",
                Cause = Get("cause") ?? "com.sedmelluq.discord.lavaplayer.tools.FriendlyException: " + message,
                CauseStackTrace = "",
            });
        }

        switch (kind)
        {
            case "track":
            case "stream":
            {
                var title = Get("title") ?? "Sandbox Track";
                var isStream = kind == "stream" || Get("stream") is "true" or "1";
                var info = Make("http", identifier, title, Get("author") ?? "Sandbox Artist", LengthOf(Get("length"))) with { IsStream = isStream, IsSeekable = !isStream };
                if (isStream)
                {
                    info = info with { Length = long.MaxValue };
                }

                return new LoadOutcome("track", Encode(info with { Identifier = Get("id") ?? info.Identifier }));
            }

            case "playlist":
            {
                var count = int.TryParse(Get("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : options.PlaylistTrackCount;
                var name = Get("name") ?? "Sandbox Playlist";
                var length = LengthOf(Get("length"));
                var tracks = Enumerable.Range(1, count)
                    .Select(i => Encode(Make("http", $"{identifier}#{i}", $"{name} – track {i}", "Sandbox Playlist Artist", length)))
                    .ToList();
                var selected = int.TryParse(Get("selected"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : -1;
                return count == 0 ? LoadOutcome.Empty : new LoadOutcome("playlist", new PlaylistWire { Info = new PlaylistInfoWire { Name = name, SelectedTrack = selected }, Tracks = tracks });
            }

            default:
                return LoadOutcome.Empty;
        }
    }

    private TrackInfoWire Make(string source, string seed, string title, string author, long? lengthMs)
    {
        var id = StableId(seed);
        var uri = source switch
        {
            "youtube" => "https://www.youtube.com/watch?v=" + id,
            "soundcloud" => "https://soundcloud.com/sandbox/" + id.ToLowerInvariant(),
            _ => "https://media.sandbox.invalid/" + id,
        };
        return new TrackInfoWire
        {
            Identifier = source == "http" ? uri : id,
            IsSeekable = true,
            Author = author,
            Length = lengthMs ?? (long)options.DefaultTrackLength.TotalMilliseconds,
            IsStream = false,
            Position = 0,
            Title = title,
            Uri = uri,
            ArtworkUrl = source == "youtube" ? $"https://i.ytimg.com/vi/{id}/hqdefault.jpg" : null,
            Isrc = null,
            SourceName = source,
        };
    }

    private static long? LengthOf(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > 0 ? length : null;

    /// <summary>11 URL-safe characters, like a YouTube video id, derived from <paramref name="seed"/>.</summary>
    private static string StableId(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return Convert.ToBase64String(hash, 0, 9).Replace('+', '-').Replace('/', '_')[..11];
    }

    private static bool TrySplit(string identifier, string prefix, out string rest)
    {
        rest = identifier.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? identifier[prefix.Length..] : "";
        return identifier.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            values[key] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }

        return values;
    }
}
