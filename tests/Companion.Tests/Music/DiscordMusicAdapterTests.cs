using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Companion.Music;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Tests.Music;

/// <summary>What the music adapters send to Discord: nothing pings, buttons carry their custom_ids, tokens stay out of errors.</summary>
public sealed class DiscordMusicAdapterTests : IDisposable
{
    private readonly CapturingHandler _handler = new();
    private readonly HttpClient _http;
    private readonly DiscordRestClient _client;

    public DiscordMusicAdapterTests()
    {
        _http = new HttpClient(_handler) { BaseAddress = new Uri("http://discord.test/api/v10/") };
        _client = new DiscordRestClient(_http, new DiscordCredentials("bot-token"));
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    [Fact]
    public async Task NowPlaying_IsPostedWithButtons_NoMentions_AndANonce()
    {
        var channel = new DiscordMusicTextChannel(_client);
        var session = new MusicSession(1, 2, 3);
        session.Enqueue([new MusicTrack { Encoded = "e", Title = "@everyone party", Author = "a", Length = TimeSpan.FromMinutes(3), RequesterId = 99 }]);
        session.AdvanceToNext(DateTimeOffset.UnixEpoch);

        var id = await channel.CreateMessageAsync(600, NowPlayingMessage.Render(session, DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Equal(123UL, id);
        var (method, path, body) = Assert.Single(_handler.Requests);
        Assert.Equal(("POST", "/api/v10/channels/600/messages"), (method, path));
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        Assert.True(root.GetProperty("enforce_nonce").GetBoolean());
        Assert.Contains("<@99>", root.GetProperty("content").GetString(), StringComparison.Ordinal);
        var buttons = root.GetProperty("components")[0].GetProperty("components").EnumerateArray().Select(button => button.GetProperty("custom_id").GetString());
        Assert.Equal([MusicCommand.Buttons.Pause, MusicCommand.Buttons.Skip, MusicCommand.Buttons.Stop], buttons);
    }

    [Fact]
    public async Task EditOfADeletedMessage_ReportsFalse()
    {
        _handler.Status = HttpStatusCode.NotFound;
        _handler.Body = """{"code":10008,"message":"Unknown Message"}""";

        Assert.False(await new DiscordMusicTextChannel(_client).EditMessageAsync(600, 5, MusicMessage.Text("x"), CancellationToken.None));
    }

    [Fact]
    public async Task Replies_EditOriginal_WithNoMentions_AndButtonRefusalsAreEphemeral()
    {
        var responder = new DiscordInteractionResponder(_client);

        await responder.EditOriginalAsync(1, "secret-token", "Queued <@5>", CancellationToken.None);
        await responder.SendEphemeralFollowupAsync(1, "secret-token", "Join a voice channel first.", CancellationToken.None);

        Assert.Equal("PATCH", _handler.Requests[0].Method);
        Assert.EndsWith("/messages/@original", _handler.Requests[0].Path, StringComparison.Ordinal);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[]}", _handler.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"flags\":64", _handler.Requests[1].Body, StringComparison.Ordinal);
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<(string Method, string Path, string Body)> Requests { get; } = [];

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public string Body { get; set; } = """{"id":"123","channel_id":"600"}""";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, body));
            return new HttpResponseMessage(Status) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        }
    }
}
