using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Interactions;

public sealed class InteractionsFunctionTests : IAsyncLifetime
{
    private const string Ping = """{"type":1,"id":"1312345678901234567","application_id":"100000000000000001","token":"dG9rZW4","version":1}""";

    private FunctionTestHost _host = null!;

    public async Task InitializeAsync() => _host = await FunctionTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Ping_SignedByDiscord_AnswersPongAsJson()
    {
        using var response = await _host.SendSignedAsync(Ping);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"type":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_WithoutSignatureHeaders_Is401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/interactions") { Content = new StringContent(Ping) };

        using var response = await _host.Client.SendAsync(request);

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("non-hex")]
    [InlineData("missing-timestamp")]
    public async Task Ping_WithMalformedHeaders_Is401(string malformation)
    {
        using var request = _host.Signer.SignedRequest(Ping, _host.Time.GetUtcNow());
        var signature = request.Headers.GetValues("X-Signature-Ed25519").Single();
        switch (malformation)
        {
            case "short":
                Replace(request, "X-Signature-Ed25519", signature[..^2]);
                break;
            case "non-hex":
                Replace(request, "X-Signature-Ed25519", "zz" + signature[2..]);
                break;
            default:
                request.Headers.Remove("X-Signature-Timestamp");
                break;
        }

        using var response = await _host.Client.SendAsync(request);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Ping_SignedWithAnotherKey_Is401()
    {
        using var stranger = new InteractionSigner();

        using var response = await _host.Client.SendAsync(stranger.SignedRequest(Ping, _host.Time.GetUtcNow()));

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Ping_WithChangedTimestamp_Is401()
    {
        using var request = _host.Signer.SignedRequest(Ping, _host.Time.GetUtcNow());
        Replace(request, "X-Signature-Timestamp", _host.Time.GetUtcNow().AddSeconds(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

        using var response = await _host.Client.SendAsync(request);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Ping_WithChangedBody_Is401()
    {
        using var request = _host.Signer.SignedRequest(Ping, _host.Time.GetUtcNow());
        request.Content = new StringContent(Ping.Replace("\"type\":1", "\"type\":2", StringComparison.Ordinal));

        using var response = await _host.Client.SendAsync(request);

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Ping_SignedOutsideTheReplayWindow_Is401(int minutes)
    {
        using var response = await _host.Client.SendAsync(_host.Signer.SignedRequest(Ping, _host.Time.GetUtcNow().AddMinutes(minutes)));

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Ping_SignedFourMinutesAgo_IsAccepted()
    {
        using var response = await _host.Client.SendAsync(_host.Signer.SignedRequest(Ping, _host.Time.GetUtcNow().AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReplayWindow_IsConfigurable()
    {
        await using var strict = await FunctionTestHost.StartAsync(new Dictionary<string, string?> { ["Interactions:SignatureMaxAge"] = "00:01:00" });

        using var stale = await strict.Client.SendAsync(strict.Signer.SignedRequest(Ping, strict.Time.GetUtcNow().AddMinutes(-2)));
        using var fresh = await strict.Client.SendAsync(strict.Signer.SignedRequest(Ping, strict.Time.GetUtcNow().AddSeconds(-30)));

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_WithContentLength_Is413()
    {
        var body = "{\"type\":1,\"pad\":\"" + new string('x', 300 * 1024) + "\"}";

        using var response = await _host.SendSignedAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_StreamedWithoutLength_Is413()
    {
        var body = "{\"type\":1,\"pad\":\"" + new string('x', 300 * 1024) + "\"}";
        using var request = _host.Signer.SignedRequest(body, _host.Time.GetUtcNow());
        request.Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(body)));

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"type\":1")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"ping\"}")]
    [InlineData("{\"type\":1,\"id\":\"abc\"}")]
    public async Task InvalidJson_AfterAValidSignature_Is400(string body)
    {
        using var response = await _host.SendSignedAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid interaction JSON", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownInteractionType_Is400()
    {
        using var response = await _host.SendSignedAsync("""{"type":42,"id":"1","application_id":"1","token":"t","version":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unknown interaction type", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PingCommand_AnswersInlineAndEphemeral()
    {
        using var response = await _host.SendSignedAsync(Command("ping"));

        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal(64, answer.GetProperty("data").GetProperty("flags").GetInt32());
        Assert.StartsWith("Pong! Handled in ", answer.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Empty(answer.GetProperty("data").GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
    }

    [Fact]
    public async Task HelpCommand_ListsTheCommands()
    {
        using var response = await _host.SendSignedAsync(Command("help"));

        var content = (await ReadJsonAsync(response)).GetProperty("data").GetProperty("content").GetString();
        Assert.Contains("`/ping`", content, StringComparison.Ordinal);
        Assert.Contains("`/help`", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_GetsAPoliteEphemeralAnswer()
    {
        using var response = await _host.SendSignedAsync(Command("dance"));

        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal(64, answer.GetProperty("data").GetProperty("flags").GetInt32());
        Assert.Contains("/dance", answer.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Autocomplete_AnswersWithNoChoices()
    {
        using var response = await _host.SendSignedAsync("""{"type":4,"id":"1","application_id":"1","token":"t","version":1,"data":{"name":"ping"}}""");

        var answer = await ReadJsonAsync(response);
        Assert.Equal(8, answer.GetProperty("type").GetInt32());
        Assert.Empty(answer.GetProperty("data").GetProperty("choices").EnumerateArray());
    }

    [Fact]
    public async Task GetOnInteractions_IsNotAServerError()
    {
        using var response = await _host.Client.GetAsync(new Uri("/api/interactions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task RandomInput_NeverProducesA5xx()
    {
        var random = new Random(20261124);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var body = i % 2 == 0 ? Encoding.Latin1.GetString(bytes) : "{\"type\":" + random.Next(-3, 10) + ",\"data\":{\"name\":\"" + (char)random.Next('a', 'z') + "\"}}";
            using var request = _host.Signer.SignedRequest(body, _host.Time.GetUtcNow());
            if (i % 3 == 0)
            {
                Replace(request, "X-Signature-Ed25519", Convert.ToHexString(bytes));
            }

            using var response = await _host.Client.SendAsync(request);

            Assert.True((int)response.StatusCode < 500, $"input {i} gave {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task SignedCommand_WithANullOptionName_IsNotAServerError()
    {
        using var response = await _host.SendSignedAsync(
            """{"type":2,"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"dG9rZW4","version":1,"member":{"user":{"id":"80351110224678912"},"permissions":"8"},"data":{"id":"1","name":"help","type":1,"options":[{"type":3,"name":null,"value":"x"}]}}""");

        // The nameless option is not given: /help answers as it always does.
        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Contains("`/ping`", answer.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_WithAVeryLongName_QuotesItShortened()
    {
        using var response = await _host.SendSignedAsync(Command(new string('z', 5000)));

        var content = (await ReadJsonAsync(response)).GetProperty("data").GetProperty("content").GetString()!;
        Assert.Contains($"`/{new string('z', 40)}…`", content, StringComparison.Ordinal);
        Assert.True(content.Length < 200, content);
    }

    [Fact]
    public async Task InlineReply_LongerThanDiscordAllows_IsShortenedWithAnEllipsis()
    {
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddFeature(new SingleCommandFeature<VerboseCommand>(VerboseCommand.Definition, new VerboseCommand())));

        using var response = await host.SendSignedAsync(Command(VerboseCommand.Name));

        var data = (await ReadJsonAsync(response)).GetProperty("data");
        Assert.Equal(new string('w', 1999) + "…", data.GetProperty("content").GetString());
        Assert.Equal(64, data.GetProperty("flags").GetInt32());
    }

    /// <summary>
    /// Every kind of signed interaction, each node of it (at every level: interaction, data, nested options, member,
    /// user, resolved, components, modal values) replaced by a null, a value of another type, a long string, or left
    /// out; then a bounded run of seeded combinations. Signed means it reached the parser: nothing may give a 5xx,
    /// and whatever is answered inline stays within Discord's limits.
    /// </summary>
    [Fact]
    public async Task SignedPayloads_MutatedAtEveryLevel_NeverProduceA5xx()
    {
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IDeferredCommandQueue>(new RecordingDeferredQueue()));
        var templates = SignedPayloadMutations.Templates(host.Time.GetUtcNow());
        var failures = new List<string>();
        foreach (var (name, template) in templates)
        {
            foreach (var (path, mutation, body) in SignedPayloadMutations.EveryNodeOnce(template))
            {
                await CheckAnswerAsync(host, body, $"{name}: {path} {mutation}", failures);
            }
        }

        var random = new Random(20261125);
        for (var i = 0; i < 300; i++)
        {
            var (name, template) = templates[random.Next(templates.Count)];
            var (description, body) = SignedPayloadMutations.Combined(template, random, mutations: random.Next(2, 5));
            await CheckAnswerAsync(host, body, $"{name} #{i}: {description}", failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(40)));
    }

    private static async Task CheckAnswerAsync(FunctionTestHost host, string body, string description, List<string> failures)
    {
        HttpResponseMessage response;
        try
        {
            response = await host.SendSignedAsync(body);
        }
        catch (Exception exception)
        {
            // The test server hands the request's unhandled exception to the client; a real host answers 500.
            failures.Add($"{description} threw {exception.GetType().Name}: {exception.Message}");
            return;
        }

        using var _ = response;
        if ((int)response.StatusCode >= 500)
        {
            failures.Add($"{description} gave {(int)response.StatusCode}");
        }
        else if (response.StatusCode == HttpStatusCode.OK)
        {
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (answer.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("content", out var content) && content.GetString()!.Length > 2000)
            {
                failures.Add($"{description} answered {content.GetString()!.Length} characters");
            }
        }
    }

    private static string Command(string name) =>
        $$$"""{"type":2,"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"dG9rZW4","version":1,"locale":"en-GB","member":{"user":{"id":"80351110224678912","username":"nelly"},"permissions":"8"},"data":{"id":"1","name":"{{{name}}}","type":1}}""";

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid request signature", await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.Add(header, value);
    }

    /// <summary>A command whose answer is longer than Discord accepts.</summary>
    private sealed class VerboseCommand : ICommandHandler
    {
        public const string Name = "verbose";

        public static CommandDefinition Definition { get; } = new() { Name = Name, Description = "Test-only: answers too much" };

        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CommandReply(new string('w', 5000), Ephemeral: true));
    }

    /// <summary>A body whose length is unknown up front, as with chunked transfer encoding.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
