using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Post ids: short enough to type back into <c>/schedule show</c>, random enough never to collide in a guild.</summary>
public static class PostIds
{
    public const int Length = 8;

    /// <summary>Lowercase base32: no 0/1/8/9 to mistake for o/l/b/g.</summary>
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The longest text read as an id; the id option's max_length.</summary>
    public const int MaxLength = 32;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>
    /// A typed id as stored (trimmed, lowercase), if it could be one. Anything else is refused before it reaches a
    /// storage key, where characters such as '/' or '#' are not allowed.
    /// </summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? id)
    {
        var trimmed = text?.Trim() ?? "";
        id = trimmed.Length is > 0 and <= MaxLength && trimmed.All(char.IsAsciiLetterOrDigit)
            ? string.Create(trimmed.Length, trimmed, static (span, source) => source.AsSpan().ToLowerInvariant(span))
            : null;
        return id is not null;
    }
}
