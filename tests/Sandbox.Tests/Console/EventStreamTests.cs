using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Console;

public sealed class EventStreamTests
{
    [Fact]
    public async Task Events_StreamAMessageTheBotPosts_WithIncreasingIds()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);
        await using var stream = await EventReader.OpenAsync(control, "_sandbox/events");
        Assert.Equal("text/event-stream", stream.ContentType);

        (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"Now playing"}"""), TestContext.Token)).Dispose();
        var message = await stream.NextAsync("message");
        var call = await stream.NextAsync("call");

        Assert.Equal("created", message.Data.GetProperty("kind").GetString());
        Assert.Equal("Now playing", message.Data.GetProperty("message").GetProperty("content").GetString());
        Assert.True(call.Id > message.Id);
        Assert.Equal("POST", call.Data.GetProperty("method").GetString());
        Assert.Equal(200, call.Data.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Events_ReplayWhatCameAfterSince_AndLastEventId()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);
        (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"first"}"""), TestContext.Token)).Dispose();
        (await api.PostAsync($"channels/{SandboxDefaults.ChannelId}/messages", Sandboxes.Json("""{"content":"second"}"""), TestContext.Token)).Dispose();

        SandboxEventLine first;
        await using (var all = await EventReader.OpenAsync(control, "_sandbox/events?since=0"))
        {
            first = await all.NextAsync("message");
            Assert.Equal("first", first.Data.GetProperty("message").GetProperty("content").GetString());
        }

        await using var resumed = await EventReader.OpenAsync(control, "_sandbox/events", lastEventId: first.Id);
        var next = await resumed.NextAsync("message");

        Assert.Equal("second", next.Data.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Events_TellOfMemberFaultAndTokenChanges_WithoutTheToken()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);
        await using var stream = await EventReader.OpenAsync(control, "_sandbox/events");

        (await control.PutAsync("_sandbox/members/100000000000000033", Sandboxes.Json("""{"permissions":"8"}"""), TestContext.Token)).Dispose();
        var member = await stream.NextAsync("member");
        (await control.PostAsync("_sandbox/faults/presets/server-errors", null, TestContext.Token)).Dispose();
        var faults = await stream.NextAsync("faults");
        (await control.PostAsync("_sandbox/token", null, TestContext.Token)).Dispose();
        var token = await stream.NextAsync("token");

        Assert.Equal("8", member.Data.GetProperty("permissions").GetString());
        Assert.Equal(502, faults.Data[0].GetProperty("statusCode").GetInt32());
        Assert.DoesNotContain(sandbox.BotToken, token.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_RootServesTheIndexPage_WithAnETagThatRevalidates()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);

        using var page = await control.GetAsync("", TestContext.Token);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "");
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", page.Headers.ETag!.ToString());
        using var notModified = await control.SendAsync(revalidate, TestContext.Token);
        using var missing = await control.GetAsync("console/nothing-here.js", TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(TestContext.Token), StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl!.NoCache);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

internal sealed record SandboxEventLine(long Id, string Type, string Raw)
{
    public JsonElement Data => JsonDocument.Parse(Raw).RootElement;
}

/// <summary>Reads a server-sent event stream line by line, as a browser's EventSource would.</summary>
internal sealed class EventReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<EventReader> OpenAsync(HttpClient client, string path, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } id)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Token);
        response.EnsureSuccessStatusCode();
        return new EventReader(response, new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Token)));
    }

    /// <summary>The next event of this type; fails the test after <see cref="Sandboxes.WaitTimeout"/>.</summary>
    public async Task<SandboxEventLine> NextAsync(string type)
    {
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        long id = 0;
        string? eventType = null;
        var data = new List<string>();
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (eventType == type)
                {
                    return new SandboxEventLine(id, type, string.Join('\n', data));
                }

                (eventType, data) = (null, []);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line[6..]);
            }
        }

        throw new InvalidOperationException($"The stream ended before a '{type}' event.");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
