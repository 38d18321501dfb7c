using System.Globalization;
using System.Net;
using System.Text;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The endpoint's rejections as Discord meets them: through the DevHost, which forwards the request to the isolated
/// worker's own server, so every check below also proves the signed bytes arrive as they were sent.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EndpointThroughTheHostTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    private const string Ping = """{"type":1,"id":"1312345678901234567","application_id":"100000000000000001","token":"t","version":1}""";

    private static readonly HttpClient Client = new();

    [Fact]
    public async Task SignedBody_ArrivesByteForByte_WhitespaceAndNonAsciiIncluded()
    {
        // Any re-encoding on the way (a JSON round trip, a charset change, trimmed whitespace) breaks the signature.
        var body = Encoding.UTF8.GetBytes("{ \"type\" : 1,\r\n  \"id\":\"1312345678901234567\", \"application_id\":\"100000000000000001\",\t\"token\":\"t\",\"version\":1,\"x\":\"é😀\\u00e9\" }  \n");

        using var response = await SendAsync(body, bot.Discord.Interactions.CurrentTimestamp());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignedBody_WithBytesInvalidAsUtf8_PassesTheSignatureCheck()
    {
        // Bytes no text decoding would keep: a host that re-encoded the body as text would break the signature (401).
        byte[] body = [.. Encoding.UTF8.GetBytes(Ping[..^1] + ",\"x\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")];

        using var response = await SendAsync(body, bot.Discord.Interactions.CurrentTimestamp());

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"got {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData(-10)]
    [InlineData(10)]
    public async Task Ping_SignedOutsideTheReplayWindow_Is401(int minutes)
    {
        var timestamp = DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        using var response = await SendAsync(Encoding.UTF8.GetBytes(Ping), timestamp);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OversizedSignedBody_Is413()
    {
        var body = Encoding.UTF8.GetBytes(Ping[..^1] + ",\"padding\":\"" + new string('x', 300 * 1024) + "\"}");

        using var response = await SendAsync(body, bot.Discord.Interactions.CurrentTimestamp());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task RandomSignedBodies_NeverProduceA5xx()
    {
        var random = new Random(20261204);
        for (var i = 0; i < 60; i++)
        {
            var bytes = new byte[random.Next(0, 96)];
            random.NextBytes(bytes);
            var body = (i % 3) switch
            {
                0 => bytes,
                1 => Encoding.UTF8.GetBytes("{\"type\":" + random.Next(-3, 10) + ",\"data\":{\"name\":\"" + (char)random.Next('a', 'z') + "\"}}"),
                _ => Encoding.UTF8.GetBytes(Ping.Remove(random.Next(Ping.Length))),
            };

            using var response = await SendAsync(body, bot.Discord.Interactions.CurrentTimestamp());

            Assert.True((int)response.StatusCode < 500, $"body {i} ({Convert.ToHexString(body)}) got {(int)response.StatusCode}");
        }
    }

    private Task<HttpResponseMessage> SendAsync(byte[] body, string timestamp)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, bot.InteractionsUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-Ed25519", bot.Discord.Interactions.Sign(timestamp, body));
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        return Client.SendAsync(request);
    }
}
