using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Benchmarks;

/// <summary>A generated Ed25519 key pair and interaction bodies signed with it, the way Discord signs them.</summary>
internal sealed class SignedRequests
{
    public const string ApplicationId = "123456789012345678";

    public const string PingBody =
        """{"type":1,"id":"1300000000000000001","application_id":"123456789012345678","token":"aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDAwMTpiZW5jaG1hcms","version":1}""";

    /// <summary>A guild <c>/ping</c>, shaped like a real one (member, locale, permissions) but trimmed.</summary>
    public const string PingCommandBody =
        """{"type":2,"id":"1300000000000000002","application_id":"123456789012345678","token":"aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDAwMjpiZW5jaG1hcms","version":1,"guild_id":"1100000000000000001","channel_id":"1100000000000000002","member":{"user":{"id":"1000000000000000001","username":"bench","global_name":"Bench"},"permissions":"2248473465835073","nick":null},"locale":"en-US","guild_locale":"en-US","app_permissions":"2248473465835073","data":{"id":"1200000000000000001","name":"ping","type":1}}""";

    private SignedRequests(string publicKeyHex, string timestamp)
    {
        PublicKeyHex = publicKeyHex;
        Timestamp = timestamp;
    }

    public string PublicKeyHex { get; }

    /// <summary>Unix seconds at creation: fresh for the replay window while a run lasts.</summary>
    public string Timestamp { get; }

    public SignedRequest Ping { get; private init; } = null!;

    public SignedRequest PingCommand { get; private init; } = null!;

    public static SignedRequests Create()
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        using var key = Key.Create(algorithm);
        var publicKeyHex = Convert.ToHexStringLower(key.Export(KeyBlobFormat.RawPublicKey));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        return new SignedRequests(publicKeyHex, timestamp)
        {
            Ping = Sign(PingBody),
            PingCommand = Sign(PingCommandBody),
        };

        SignedRequest Sign(string json)
        {
            var body = Encoding.UTF8.GetBytes(json);
            var signature = algorithm.Sign(key, [.. Encoding.ASCII.GetBytes(timestamp), .. body]);
            return new SignedRequest(Convert.ToHexStringLower(signature), body);
        }
    }
}

internal sealed record SignedRequest(string SignatureHex, byte[] Body);
