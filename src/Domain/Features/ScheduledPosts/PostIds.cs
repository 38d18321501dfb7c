using System.Buffers.Binary;
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

    /// <summary>
    /// The id of the post that the interaction <paramref name="interactionId"/> creates: the same for every retry of that
    /// interaction's work, so storing it twice stores it once. Hashed, so ids do not reveal when a post was made.
    /// </summary>
    public static string ForInteraction(ulong interactionId)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, interactionId);
        var hash = SHA256.HashData(bytes);

        // 5 bits a character: 8 characters take the hash's first 40 bits.
        var bits = BinaryPrimitives.ReadUInt64BigEndian(hash) >> (64 - (5 * Length));
        return string.Create(Length, bits, static (span, value) =>
        {
            for (var i = span.Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }

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
