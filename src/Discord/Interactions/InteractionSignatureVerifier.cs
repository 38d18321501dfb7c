using System.Buffers;
using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Discord.Interactions;

/// <summary>
/// Checks Discord's Ed25519 signature over <c>X-Signature-Timestamp</c> followed by the raw body,
/// and refuses timestamps outside the replay window.
/// </summary>
public sealed class InteractionSignatureVerifier
{
    public const int SignatureHexLength = 128;
    public const int PublicKeyHexLength = 64;

    /// <summary>Unix seconds fit in 19 digits; anything longer is not a timestamp.</summary>
    public const int MaxTimestampLength = 19;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly PublicKey _publicKey;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _maxClockSkew;

    /// <param name="publicKeyHex">The application's public key from the Developer Portal, 64 hex characters.</param>
    /// <param name="maxClockSkew">How far a timestamp may lie in the past or the future.</param>
    public InteractionSignatureVerifier(string publicKeyHex, TimeSpan maxClockSkew, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(publicKeyHex);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!TryParseHex(publicKeyHex, PublicKeyHexLength, out var keyBytes))
        {
            throw new ArgumentException($"The public key must be {PublicKeyHexLength} hexadecimal characters.", nameof(publicKeyHex));
        }

        _publicKey = PublicKey.Import(Algorithm, keyBytes, KeyBlobFormat.RawPublicKey);
        _maxClockSkew = maxClockSkew;
        _timeProvider = timeProvider;
    }

    /// <summary>Cheap checks that need no body: header presence, shape and freshness.</summary>
    public SignatureCheck CheckHeaders(string? signatureHex, string? timestamp)
    {
        if (string.IsNullOrEmpty(signatureHex) || string.IsNullOrEmpty(timestamp))
        {
            return SignatureCheck.MissingHeaders;
        }

        if (signatureHex.Length != SignatureHexLength || !IsHex(signatureHex)
            || timestamp.Length > MaxTimestampLength
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return SignatureCheck.MalformedHeaders;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return Math.Abs(now - unixSeconds) > (long)_maxClockSkew.TotalSeconds
            ? SignatureCheck.Expired
            : SignatureCheck.Valid;
    }

    /// <summary>
    /// Verifies the signature over <paramref name="signedData"/>, which must already hold the timestamp's
    /// ASCII bytes followed by the body (callers lay them out so that nothing is copied).
    /// </summary>
    public bool VerifySignature(string signatureHex, ReadOnlySpan<byte> signedData)
    {
        Span<byte> signature = stackalloc byte[SignatureHexLength / 2];
        return Convert.FromHexString(signatureHex, signature, out _, out var written) == OperationStatus.Done
            && written == signature.Length
            && Algorithm.Verify(_publicKey, signedData, signature);
    }

    /// <summary>Full check for callers that hold the timestamp and body apart (tests, tools).</summary>
    public SignatureCheck Verify(string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        var headers = CheckHeaders(signatureHex, timestamp);
        if (headers != SignatureCheck.Valid)
        {
            return headers;
        }

        var length = timestamp!.Length + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.ASCII.GetBytes(timestamp, rented);
            body.CopyTo(rented.AsSpan(written));
            return VerifySignature(signatureHex!, rented.AsSpan(0, length)) ? SignatureCheck.Valid : SignatureCheck.BadSignature;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static bool IsValidPublicKey(string? hex) => hex is not null && TryParseHex(hex, PublicKeyHexLength, out _);

    private static bool TryParseHex(string hex, int expectedLength, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length != expectedLength || !IsHex(hex))
        {
            return false;
        }

        bytes = Convert.FromHexString(hex);
        return true;
    }

    private static bool IsHex(string value) => !value.AsSpan().ContainsAnyExcept(HexDigits);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
}
