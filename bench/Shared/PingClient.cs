using System.Net;

namespace Serverless.Bench;

/// <summary>Sends signed PINGs over HTTP/1.1 to the DevHost, without a proxy (one must never see loopback).</summary>
internal sealed class PingClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly SignedPing _ping;

    public PingClient(SignedPing ping, int maxConnections)
    {
        _ping = ping;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Whether the answer was 200 <c>{"type":1}</c>; otherwise the status and body, for the report.</summary>
    public async Task<(bool Pong, string Answer)> SendAsync(Uri interactionsUri, CancellationToken cancellationToken)
    {
        using var request = _ping.CreateRequest(interactionsUri);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var pong = response.StatusCode == HttpStatusCode.OK && body == SignedPing.Pong;
        return (pong, pong ? "" : $"{(int)response.StatusCode} '{Shorten(body)}'");
    }

    public void Dispose() => _http.Dispose();

    private static string Shorten(string body) => body.Length <= 200 ? body : $"{body[..200]}…";
}
