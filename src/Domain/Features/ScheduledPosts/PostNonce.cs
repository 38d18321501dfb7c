using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>The nonce sent with <c>enforce_nonce</c> so a redelivered publish of the same occurrence does not post twice.</summary>
public static class PostNonce
{
    /// <summary>Discord's limit for a nonce.</summary>
    public const int MaxLength = 25;

    public static string For(string postId, DateTimeOffset occurrenceUtc)
    {
        ArgumentException.ThrowIfNullOrEmpty(postId);

        // Whole seconds: occurrences of one post are minutes apart, and storage may not round-trip sub-second digits.
        var key = string.Create(CultureInfo.InvariantCulture, $"{postId}|{occurrenceUtc.ToUnixTimeSeconds()}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..MaxLength];
    }
}
