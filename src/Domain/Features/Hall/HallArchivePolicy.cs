using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Hall;

/// <summary>The archiver's pure decisions: which month is due, whether a claim may be taken, and the post's nonce.</summary>
public static class HallArchivePolicy
{
    /// <summary>The month the hall shows, once the guild's own month (its zone, at <paramref name="now"/>) has moved past it; else null.</summary>
    public static GuildMonth? DueMonth(HallState hall, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(hall);
        return IsBefore(hall.ShownMonth, GuildMonth.Of(now, zone)) ? hall.ShownMonth : null;
    }

    public static bool IsBefore(GuildMonth earlier, GuildMonth later) => Index(earlier) < Index(later);

    /// <summary>Whether a run may claim the archive: nobody has, or the claim ran out (its run died).</summary>
    public static bool MayClaim(HallArchive? archive, DateTimeOffset now) =>
        archive is null || (!archive.IsDone && (archive.ClaimedUntil is not { } until || until <= now));

    /// <summary>
    /// The post's nonce (at most 25 characters), the same for every try of one month's post: a run that died after
    /// posting leaves the next one's post to come back as the same message while Discord remembers the nonce.
    /// </summary>
    public static string Nonce(ulong guildId, GuildMonth month, int generation)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"hall/{guildId}/{month}"))));
        return string.Create(CultureInfo.InvariantCulture, $"h{hash[..18]}{generation % 1_000_000:D6}");
    }

    private static int Index(GuildMonth month) => (month.Year * 12) + month.Month - 1;
}
