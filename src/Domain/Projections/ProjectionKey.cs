using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Domain.Projections;

/// <summary>
/// Which projection: one Discord message per guild and feature subject, written <c>{feature}/{subject}/{guild}</c>
/// (e.g. <c>duels/scoreboard/123</c>). The feature and subject pick the renderer; a subject may carry its own id after a
/// colon (<c>raids/progress:42/123</c>) for a projection per raid, pair or duel.
/// </summary>
public sealed record ProjectionKey
{
    public ProjectionKey(ulong guildId, string feature, string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feature);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (!IsKeyPart(feature) || !IsKeyPart(subject))
        {
            throw new ArgumentException($"A projection's feature and subject are lower-case letters, digits, '-' and ':' ({feature}/{subject}).");
        }

        GuildId = guildId;
        Feature = feature;
        Subject = subject;
    }

    public ulong GuildId { get; }

    public string Feature { get; }

    public string Subject { get; }

    /// <summary>The subject without its id: what the renderer is registered under (<c>progress</c> for <c>progress:42</c>).</summary>
    public string Kind => Subject.Split(':', 2)[0];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Feature}/{Subject}/{GuildId}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out ProjectionKey? key)
    {
        key = null;
        var parts = text?.Split('/');
        if (parts is not [var feature, var subject, var guild]
            || !IsKeyPart(feature) || !IsKeyPart(subject)
            || !ulong.TryParse(guild, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId) || guildId == 0)
        {
            return false;
        }

        key = new ProjectionKey(guildId, feature, subject);
        return true;
    }

    private static bool IsKeyPart(string part) =>
        part.Length is > 0 and <= 64 && part.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or ':');
}
