using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using NSec.Cryptography;

namespace Serverless.Bench;

/// <summary>
/// A generated Ed25519 key and a PING signed with it the way Discord signs one (timestamp + body). The app is
/// given the public key; the bench sends the signed request. Signing happens before any clock starts: Discord
/// signs, not the app.
/// </summary>
internal sealed class SignedPing : IDisposable
{
    public const string ApplicationId = "123456789012345678";
    public const string Pong = """{"type":1}""";

    private const string Body =
        """{"type":1,"id":"1300000000000000001","application_id":"123456789012345678","token":"aW50ZXJhY3Rpb246YmVuY2g","version":1}""";

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Key _key = Key.Create(Algorithm);
    private readonly byte[] _body = Encoding.UTF8.GetBytes(Body);
    private string _timestamp = "";
    private string _signatureHex = "";

    public SignedPing()
    {
        PublicKeyHex = Convert.ToHexStringLower(_key.Export(KeyBlobFormat.RawPublicKey));
        Sign();
    }

    public string PublicKeyHex { get; }

    /// <summary>Signs the PING again with the current time, so that it stays inside the app's replay window.</summary>
    public void Sign()
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _signatureHex = Convert.ToHexStringLower(Algorithm.Sign(_key, [.. Encoding.ASCII.GetBytes(timestamp), .. _body]));
        _timestamp = timestamp;
    }

    /// <summary>A new request (an <see cref="HttpRequestMessage"/> can be sent only once) carrying the signed PING.</summary>
    public HttpRequestMessage CreateRequest(Uri interactionsUri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, interactionsUri) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("X-Signature-Ed25519", _signatureHex);
        request.Headers.Add("X-Signature-Timestamp", _timestamp);
        return request;
    }

    public void Dispose() => _key.Dispose();
}
