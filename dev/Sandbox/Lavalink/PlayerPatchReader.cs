using System.Text.Json;

namespace Serverless.Sandbox.Lavalink;

/// <summary>
/// Reads a player PATCH body with Lavalink 4.2's validation: every rule that answers 400 is checked here,
/// before anything changes, so a rejected request leaves the player untouched.
/// </summary>
internal static class PlayerPatchReader
{
    public const string IncompleteVoiceMessage = "token, endpoint, sessionId and channelId must be provided in voice state";

    public static (LavalinkEngine.PlayerPatch? Patch, string? Error) Read(JsonElement body, SyntheticTracks tracks)
    {
        var track = body.TryGetProperty("track", out var t) && t.ValueKind == JsonValueKind.Object ? t : (JsonElement?)null;

        // The top-level encodedTrack and identifier are deprecated spellings of track.encoded and track.identifier.
        var hasEncoded = TryGet(track, "encoded", out var encoded) | body.TryGetProperty("encodedTrack", out var legacyEncoded);
        var hasIdentifier = TryGet(track, "identifier", out var identifier) | body.TryGetProperty("identifier", out var legacyIdentifier);
        encoded = encoded.ValueKind == JsonValueKind.Undefined ? legacyEncoded : encoded;
        identifier = identifier.ValueKind == JsonValueKind.Undefined ? legacyIdentifier : identifier;
        if (hasEncoded && hasIdentifier)
        {
            return Fail("Only one of 'encoded' or 'identifier' can be set for a track");
        }

        JsonElement? userData = TryGet(track, "userData", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : null;

        TrackWire? newTrack = null;
        if (hasEncoded && encoded.ValueKind != JsonValueKind.Null)
        {
            if (encoded.ValueKind != JsonValueKind.String || !SyntheticTracks.TryDecode(encoded.GetString(), out var info))
            {
                return Fail("Failed to decode track");
            }

            newTrack = SyntheticTracks.Encode(info, userData);
        }

        if (hasIdentifier)
        {
            if (identifier.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(identifier.GetString()))
            {
                return Fail("identifier must be a non-empty string");
            }

            var outcome = tracks.Load(identifier.GetString()!);
            switch (outcome.Data)
            {
                case TrackWire loaded:
                    newTrack = SyntheticTracks.Encode(loaded.Info, userData);
                    break;
                case ExceptionWire exception:
                    return Fail(exception.Message ?? "Failed to load track");
                case EmptyWire:
                    return Fail("No matches found for identifier");
                default:
                    return Fail("Cannot play a playlist or search result as a track");
            }
        }

        long? position = null;
        if (body.TryGetProperty("position", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (!p.TryGetInt64(out var value) || value < 0)
            {
                return Fail("position must be a non-negative number of milliseconds");
            }

            position = value;
        }

        var setsEndTime = body.TryGetProperty("endTime", out var e);
        long? endTime = null;
        if (setsEndTime && e.ValueKind != JsonValueKind.Null)
        {
            if (!e.TryGetInt64(out var value) || value <= 0)
            {
                return Fail("End time must be greater than 0");
            }

            endTime = value;
        }

        int? volume = null;
        if (body.TryGetProperty("volume", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (!v.TryGetInt32(out var value) || value is < 0 or > 1000)
            {
                return Fail("Volume must be between 0 and 1000");
            }

            volume = value;
        }

        bool? paused = body.TryGetProperty("paused", out var pa) && pa.ValueKind is JsonValueKind.True or JsonValueKind.False ? pa.GetBoolean() : null;
        JsonElement? filters = body.TryGetProperty("filters", out var f) && f.ValueKind == JsonValueKind.Object ? f.Clone() : null;

        VoiceWire? voice = null;
        if (body.TryGetProperty("voice", out var vo) && vo.ValueKind != JsonValueKind.Null)
        {
            string Text(string name) => vo.ValueKind == JsonValueKind.Object && vo.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String ? field.GetString()! : "";
            voice = new VoiceWire { Token = Text("token"), Endpoint = Text("endpoint"), SessionId = Text("sessionId"), ChannelId = Text("channelId") };
            if (string.IsNullOrWhiteSpace(voice.Token) || string.IsNullOrWhiteSpace(voice.Endpoint) || string.IsNullOrWhiteSpace(voice.SessionId) || string.IsNullOrWhiteSpace(voice.ChannelId))
            {
                return Fail(IncompleteVoiceMessage);
            }
        }

        return (new LavalinkEngine.PlayerPatch
        {
            SetsTrack = hasEncoded || hasIdentifier,
            Track = newTrack,
            UserData = userData,
            Position = position,
            SetsEndTime = setsEndTime,
            EndTime = endTime,
            Volume = volume,
            Paused = paused,
            Filters = filters,
            Voice = voice,
        }, null);
    }

    private static bool TryGet(JsonElement? parent, string name, out JsonElement value)
    {
        value = default;
        return parent is { } element && element.TryGetProperty(name, out value);
    }

    private static (LavalinkEngine.PlayerPatch?, string?) Fail(string message) => (null, message);
}
