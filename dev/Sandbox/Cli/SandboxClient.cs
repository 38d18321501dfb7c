using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Cli;

/// <summary>The CLI's side of the sandbox's control API. Failures become <see cref="SandboxUnreachableException"/> or <see cref="SandboxRefusedException"/>.</summary>
internal sealed class SandboxClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:7072";

    private readonly HttpClient _http;

    private SandboxClient(Uri baseUri)
    {
        BaseUri = baseUri;

        // Longer than the sandbox waits for the bot (30 s) and than one long-poll (60 s), so the sandbox reports slowness.
        _http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(90) };
    }

    public Uri BaseUri { get; }

    public static bool TryCreate(string url, out SandboxClient? client)
    {
        client = null;
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        client = new SandboxClient(baseUri);
        return true;
    }

    public Task<ConsoleGuildWire> GetGuildAsync(CancellationToken cancellationToken) =>
        GetAsync("_sandbox/guild", ControlJsonContext.Control.ConsoleGuildWire, cancellationToken);

    public Task<List<ConsoleMessageWire>> GetMessagesAsync(string channelId, int limit, CancellationToken cancellationToken) =>
        GetAsync($"_sandbox/channels/{Uri.EscapeDataString(channelId)}/messages?limit={limit.ToString(CultureInfo.InvariantCulture)}", ControlJsonContext.Control.ListConsoleMessageWire, cancellationToken);

    public Task<CallsWire> GetCallsAsync(long since, CancellationToken cancellationToken) =>
        GetAsync("_sandbox/calls?since=" + since.ToString(CultureInfo.InvariantCulture), ControlJsonContext.Control.CallsWire, cancellationToken);

    /// <summary>Long-polls: answers once the interaction is final or <paramref name="wait"/> (at most 60 s a call) has passed.</summary>
    public Task<InteractionStateWire> GetInteractionAsync(string interactionId, TimeSpan wait, CancellationToken cancellationToken) =>
        GetAsync(
            $"_sandbox/interactions/{Uri.EscapeDataString(interactionId)}?wait={Math.Max(0, wait.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)}",
            ControlJsonContext.Control.InteractionStateWire,
            cancellationToken);

    /// <summary>Gives the member these permissions (through their role) until changed again.</summary>
    public async Task SetMemberPermissionsAsync(string userId, ulong permissions, CancellationToken cancellationToken)
    {
        using var body = new StringContent(
            JsonSerializer.Serialize(new MemberPermissionsWire { Permissions = permissions.ToString(CultureInfo.InvariantCulture) }, ControlJsonContext.Control.MemberPermissionsWire),
            System.Text.Encoding.UTF8,
            "application/json");
        await CallAsync(() => _http.PutAsync($"_sandbox/members/{Uri.EscapeDataString(userId)}", body, cancellationToken), ControlJsonContext.Control.ConsoleMemberWire, cancellationToken);
    }

    public Task<SentInteractionWire> SendAsync<TRequest>(string path, TRequest request, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken) =>
        CallAsync(
            () => _http.PostAsJsonAsync(path, request, requestType, cancellationToken),
            ControlJsonContext.Control.SentInteractionWire,
            cancellationToken);

    /// <summary>Opens <c>/_sandbox/events</c>; the answer's headers have arrived, so nothing published after this is missed.</summary>
    public async Task<Stream> OpenEventsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _http.GetAsync("_sandbox/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new SandboxRefusedException((int)response.StatusCode, "the event stream is not available");
            }

            return await response.Content.ReadAsStreamAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new SandboxUnreachableException(BaseUri, exception);
        }
    }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        CallAsync(() => _http.GetAsync(path, cancellationToken), type, cancellationToken);

    private async Task<T> CallAsync<T>(Func<Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send();
            if (!response.IsSuccessStatusCode)
            {
                throw new SandboxRefusedException((int)response.StatusCode, ErrorText(await response.Content.ReadAsStringAsync(cancellationToken)));
            }

            return await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new JsonException("Empty answer.");
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SandboxUnreachableException(BaseUri, exception);
        }
    }

    private static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var message) ? message.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length <= 300 ? body : body[..300] + "…";
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>No sandbox answered at the URL (or it answered nonsense).</summary>
internal sealed class SandboxUnreachableException(Uri baseUri, Exception inner)
    : Exception($"Sandbox not reachable at {baseUri}: {inner.Message} (start it with: dotnet run --project dev/Sandbox -- serve)", inner);

/// <summary>The sandbox answered with an error: a bad request, an unknown message or form, …</summary>
internal sealed class SandboxRefusedException(int statusCode, string error) : Exception(error)
{
    public int StatusCode { get; } = statusCode;
}
