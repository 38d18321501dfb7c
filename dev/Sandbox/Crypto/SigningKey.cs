using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Sandbox.Crypto;

/// <summary>The sandbox's Ed25519 key: signs interactions the way Discord does.</summary>
internal sealed class SigningKey : IDisposable
{
    public const int SeedLength = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly Key _key;

    private SigningKey(byte[] seed)
    {
        // NSec's raw private key for Ed25519 is the 32-byte seed, so a stored seed restores the same key.
        _key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        PublicKeyHex = Convert.ToHexStringLower(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public string PublicKeyHex { get; }

    public static SigningKey FromSeedHex(string seedHex)
    {
        if (!IsValidSeedHex(seedHex))
        {
            throw new ArgumentException("An Ed25519 seed is 64 hexadecimal characters.", nameof(seedHex));
        }

        return new SigningKey(Convert.FromHexString(seedHex));
    }

    public static SigningKey Generate() => new(RandomNumberGenerator.GetBytes(SeedLength));

    public static string NewSeedHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SeedLength));

    public static bool IsValidSeedHex(string? seedHex) =>
        seedHex is { Length: SeedLength * 2 } && !seedHex.AsSpan().ContainsAnyExcept(HexDigits);

    /// <summary>Discord's scheme: Ed25519 over the ASCII timestamp followed by the exact body bytes, as lowercase hex.</summary>
    public string Sign(string timestamp, ReadOnlySpan<byte> body)
    {
        var data = new byte[Encoding.ASCII.GetByteCount(timestamp) + body.Length];
        var written = Encoding.ASCII.GetBytes(timestamp, data);
        body.CopyTo(data.AsSpan(written));
        return Convert.ToHexStringLower(Algorithm.Sign(_key, data));
    }

    public void Dispose() => _key.Dispose();
}
