using System.Text;
using Microsoft.Extensions.Time.Testing;
using NSec.Cryptography;
using Serverless.Discord.Interactions;

namespace Serverless.Discord.Tests;

public sealed class InteractionSignatureVerifierTests
{
    // RFC 8032 section 7.1, Ed25519 tests 1-3: (public key, message, signature).
    public static TheoryData<string, string, string> Rfc8032Vectors => new()
    {
        {
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void VerifySignature_Rfc8032Vector_IsValid(string publicKey, string message, string signature)
    {
        var verifier = Verifier(publicKey);

        Assert.True(verifier.VerifySignature(signature, Convert.FromHexString(message)));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void VerifySignature_Rfc8032VectorWithFlippedSignatureBit_IsInvalid(string publicKey, string message, string signature)
    {
        var verifier = Verifier(publicKey);

        for (var bit = 0; bit < 512; bit += 37)
        {
            Assert.False(verifier.VerifySignature(FlipBit(signature, bit), Convert.FromHexString(message)), $"bit {bit}");
        }
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void VerifySignature_Rfc8032VectorWithFlippedMessageBit_IsInvalid(string publicKey, string message, string signature)
    {
        var verifier = Verifier(publicKey);
        var data = Convert.FromHexString(message);
        if (data.Length == 0)
        {
            // Test 1 signs the empty message: a changed message is any non-empty one.
            Assert.False(verifier.VerifySignature(signature, [0]));
            return;
        }

        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            var changed = (byte[])data.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(verifier.VerifySignature(signature, changed), $"bit {bit}");
        }
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void VerifySignature_Rfc8032VectorWithFlippedKeyBit_IsInvalid(string publicKey, string message, string signature)
    {
        for (var bit = 0; bit < 256; bit += 29)
        {
            var verifier = Verifier(FlipBit(publicKey, bit));
            Assert.False(verifier.VerifySignature(signature, Convert.FromHexString(message)), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_SignedTimestampAndBody_IsValid()
    {
        var (verifier, key) = GeneratedVerifier();
        var (signature, timestamp, body) = Sign(key, Now, """{"type":1}""");

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(signature, timestamp, body));
    }

    [Fact]
    public void Verify_ChangedBody_IsBadSignature()
    {
        var (verifier, key) = GeneratedVerifier();
        var (signature, timestamp, _) = Sign(key, Now, """{"type":1}""");

        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify(signature, timestamp, """{"type":2}"""u8));
    }

    [Fact]
    public void Verify_ChangedTimestamp_IsBadSignature()
    {
        var (verifier, key) = GeneratedVerifier();
        var (signature, timestamp, body) = Sign(key, Now, """{"type":1}""");
        var other = (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify(signature, other, body));
    }

    [Fact]
    public void Verify_OtherKey_IsBadSignature()
    {
        var (verifier, _) = GeneratedVerifier();
        using var otherKey = Key.Create(SignatureAlgorithm.Ed25519);
        var (signature, timestamp, body) = Sign(otherKey, Now, """{"type":1}""");

        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify(signature, timestamp, body));
    }

    [Theory]
    [InlineData(null, "1795521600")]
    [InlineData("", "1795521600")]
    [InlineData("ab", null)]
    public void CheckHeaders_MissingHeader_IsMissing(string? signature, string? timestamp)
    {
        var (verifier, _) = GeneratedVerifier();

        Assert.Equal(SignatureCheck.MissingHeaders, verifier.CheckHeaders(signature, timestamp));
    }

    [Theory]
    [InlineData("ab")] // too short
    [InlineData("zz")] // not hex
    public void CheckHeaders_MalformedSignature_IsMalformed(string shape)
    {
        var (verifier, _) = GeneratedVerifier();
        var signature = shape == "ab" ? new string('a', 126) : new string('z', 128);

        Assert.Equal(SignatureCheck.MalformedHeaders, verifier.CheckHeaders(signature, Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("-1795521600")]
    [InlineData("17955216.0")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    public void CheckHeaders_MalformedTimestamp_IsMalformed(string timestamp)
    {
        var (verifier, _) = GeneratedVerifier();

        Assert.Equal(SignatureCheck.MalformedHeaders, verifier.CheckHeaders(new string('a', 128), timestamp));
    }

    [Theory]
    [InlineData(-301, SignatureCheck.Expired)]
    [InlineData(301, SignatureCheck.Expired)]
    [InlineData(-299, SignatureCheck.Valid)]
    [InlineData(299, SignatureCheck.Valid)]
    public void CheckHeaders_TimestampOutsideWindow_IsExpired(int offsetSeconds, SignatureCheck expected)
    {
        var (verifier, _) = GeneratedVerifier();
        var timestamp = Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, verifier.CheckHeaders(new string('a', 128), timestamp));
    }

    [Fact]
    public void Constructor_MalformedKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Verifier("not-a-key"));
        Assert.False(InteractionSignatureVerifier.IsValidPublicKey(new string('g', 64)));
        Assert.True(InteractionSignatureVerifier.IsValidPublicKey(new string('A', 64)));
    }

    private static InteractionSignatureVerifier Verifier(string publicKeyHex) =>
        new(publicKeyHex, TimeSpan.FromMinutes(5), new FakeTimeProvider(Now));

    private static (InteractionSignatureVerifier Verifier, Key Key) GeneratedVerifier()
    {
        var key = Key.Create(SignatureAlgorithm.Ed25519);
        var publicKey = Convert.ToHexString(key.Export(KeyBlobFormat.RawPublicKey));
        return (Verifier(publicKey), key);
    }

    private static (string Signature, string Timestamp, byte[] Body) Sign(Key key, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.ASCII.GetBytes(timestamp), .. bodyBytes]);
        return (Convert.ToHexStringLower(signature), timestamp, bodyBytes);
    }

    private static string FlipBit(string hex, int bit)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return Convert.ToHexStringLower(bytes);
    }
}
