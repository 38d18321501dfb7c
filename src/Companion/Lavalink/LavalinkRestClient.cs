using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Domain.Telemetry;

namespace Serverless.Companion.Lavalink;

/// <summary>
/// Lavalink's REST routes on the named <see cref="HttpClient"/> (base address and <c>Authorization</c> set by
/// <c>AddLavalink</c>). Stateless: the session id is passed in. Errors come out as <see cref="LavalinkException"/>
/// (Lavalink answered) or <see cref="LavalinkUnavailableException"/> (it could not be reached in time). Each call is a
/// Client span "{METHOD} {route template}" on <see cref="TelemetryNames.Lavalink"/> and a <c>lavalink.rest.duration</c>
/// measurement; neither carries the password, the session id or the search text.
/// </summary>
internal sealed class LavalinkRestClient(HttpClient http, TimeSpan requestTimeout, TimeProvider timeProvider, LavalinkMetrics? metrics = null)
{
    /// <summary>The Lavalink calls' spans (Application Insights dependencies).</summary>
    public static readonly ActivitySource Source = new(TelemetryNames.Lavalink);

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<LavalinkVersionCheck> GetVersionAsync(CancellationToken cancellationToken)
    {
        var info = await SendAsync(LavalinkRoute.Info, "v4/info", null, null, LavalinkJsonContext.Default.InfoDto, cancellationToken);
        var version = info?.Version;
        var text = version?.Semver;
        if (string.IsNullOrWhiteSpace(text) && version is { Major: > 0 })
        {
            text = string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}.{version.Patch}")
                + (string.IsNullOrEmpty(version.PreRelease) ? string.Empty : "-" + version.PreRelease);
        }

        return LavalinkVersionCheck.Evaluate(text);
    }

    public async Task<LavalinkStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var stats = await SendAsync(LavalinkRoute.Stats, "v4/stats", null, null, LavalinkJsonContext.Default.StatsDto, cancellationToken)
            ?? throw new LavalinkException(200, "Lavalink sent empty stats.");
        return LavalinkWireMapper.ToStats(stats.Players, stats.PlayingPlayers, stats.Uptime, stats.Cpu, timeProvider.GetUtcNow());
    }

    public async Task<LoadResult> LoadTracksAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        var result = await SendAsync(LavalinkRoute.LoadTracks, "v4/loadtracks?identifier=" + Uri.EscapeDataString(identifier), null, null, LavalinkJsonContext.Default.LoadResultDto, cancellationToken)
            ?? throw new LavalinkException(200, "Lavalink sent an empty load result.");
        return LavalinkWireMapper.ToLoadResult(result);
    }

    public async Task<LavalinkPlayer> UpdatePlayerAsync(string sessionId, ulong guildId, LavalinkPlayerUpdate update, bool noReplace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var body = JsonSerializer.SerializeToUtf8Bytes(LavalinkWireMapper.ToDto(update), LavalinkJsonContext.Default.PlayerUpdateDto);
        var path = PlayerPath(sessionId, guildId) + (noReplace ? "?noReplace=true" : "?noReplace=false");
        var player = await SendAsync(LavalinkRoute.UpdatePlayer, path, guildId, body, LavalinkJsonContext.Default.PlayerDto, cancellationToken)
            ?? throw new LavalinkException(200, "Lavalink answered the player update with no player.");
        return LavalinkWireMapper.ToPlayer(player);
    }

    /// <summary>Null when the guild has no player. A gone session is an error, not "no player".</summary>
    public async Task<LavalinkPlayer?> GetPlayerAsync(string sessionId, ulong guildId, CancellationToken cancellationToken)
    {
        try
        {
            var player = await SendAsync(LavalinkRoute.GetPlayer, PlayerPath(sessionId, guildId), guildId, null, LavalinkJsonContext.Default.PlayerDto, cancellationToken);
            return player is null ? null : LavalinkWireMapper.ToPlayer(player);
        }
        catch (LavalinkException exception) when (exception.Status == 404 && !IsSessionNotFound(exception))
        {
            return null;
        }
    }

    /// <summary>Destroying a player that is already gone (404) is not an error.</summary>
    public async Task DestroyPlayerAsync(string sessionId, ulong guildId, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<object>(LavalinkRoute.DestroyPlayer, PlayerPath(sessionId, guildId), guildId, null, null, cancellationToken);
        }
        catch (LavalinkException exception) when (exception.Status == 404)
        {
        }
    }

    public async Task UpdateSessionAsync(string sessionId, bool resuming, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new SessionUpdateDto(resuming, (long)timeout.TotalSeconds), LavalinkJsonContext.Default.SessionUpdateDto);
        await SendAsync(LavalinkRoute.UpdateSession, "v4/sessions/" + Uri.EscapeDataString(sessionId), null, body, LavalinkJsonContext.Default.SessionUpdateDto, cancellationToken);
    }

    private static string PlayerPath(string sessionId, ulong guildId) =>
        string.Create(CultureInfo.InvariantCulture, $"v4/sessions/{Uri.EscapeDataString(sessionId)}/players/{guildId}");

    private static bool IsSessionNotFound(LavalinkException exception) =>
        exception.Message.Contains("Session not found", StringComparison.OrdinalIgnoreCase);

    private async Task<T?> SendAsync<T>(LavalinkRoute route, string path, ulong? guildId, byte[]? body, JsonTypeInfo<T>? responseType, CancellationToken cancellationToken)
        where T : class
    {
        var method = route.Method;
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = Json;
        }

        using var timeout = new CancellationTokenSource(requestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var activity = StartSpan(route, guildId);
        var started = timeProvider.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            Finish(activity, route, started, status: null, "timeout");
            throw new LavalinkUnavailableException(
                string.Create(CultureInfo.InvariantCulture, $"Audio server unavailable: Lavalink did not answer {method} /{StripQuery(path)} within {requestTimeout.TotalSeconds:0.#} s."),
                exception);
        }
        catch (HttpRequestException exception)
        {
            Finish(activity, route, started, status: null, exception.HttpRequestError.ToString());
            throw new LavalinkUnavailableException($"Audio server unavailable: Lavalink could not be reached ({Describe(exception)}).", exception);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (shutdown): still one finished measurement per call.
            Finish(activity, route, started, status: null, "canceled");
            throw;
        }

        var status = (int)response.StatusCode;
        // The body was read with the headers (ResponseContentRead): the duration covers Lavalink's whole answer.
        Finish(activity, route, started, status, IsFailure(route, status) ? StatusText(status) : null);
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, path, cancellationToken);
            }

            if (responseType is null || response.StatusCode == HttpStatusCode.NoContent)
            {
                return null;
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            try
            {
                return bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, responseType);
            }
            catch (JsonException exception)
            {
                throw new LavalinkException((int)response.StatusCode, $"Lavalink sent malformed JSON for /{StripQuery(path)}: {exception.Message}");
            }
        }
    }

    private Activity? StartSpan(LavalinkRoute route, ulong? guildId)
    {
        var activity = Source.StartActivity(route.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            // The template, never the path: the path holds the session id and the search text.
            activity.SetTag("http.request.method", route.Method.Method);
            activity.SetTag("lavalink.route", route.Template);
            if (http.BaseAddress is { } baseAddress)
            {
                activity.SetTag("server.address", baseAddress.Host);
                activity.SetTag("server.port", baseAddress.Port);
            }

            if (guildId is { } guild)
            {
                activity.SetTag(TelemetryDimensions.GuildId, guild.ToString(CultureInfo.InvariantCulture));
            }
        }

        return activity;
    }

    /// <summary>Ends the call's measurement: <paramref name="status"/> null when no response came; <paramref name="errorType"/> null on success.</summary>
    private void Finish(Activity? activity, LavalinkRoute route, long started, int? status, string? errorType)
    {
        metrics?.RecordRestCall(route, status, timeProvider.GetElapsedTime(started));
        if (activity is null)
        {
            return;
        }

        if (status is { } code)
        {
            activity.SetTag("http.response.status_code", code);
        }

        if (errorType is not null)
        {
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static bool IsFailure(LavalinkRoute route, int status) =>
        status >= 400 && !(status == 404 && route.NotFoundIsAnswer);

    private static string StatusText(int status) => LavalinkMetrics.StatusText(status);

    private static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Lavalink: 401 without the header, 403 with a wrong one; neither has a body.
            return new LavalinkException(status,
                string.Create(CultureInfo.InvariantCulture, $"Lavalink refused our credentials (HTTP {status}): wrong Lavalink password, check Lavalink__Password."));
        }

        ErrorDto? error = null;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (bytes.Length > 0 && bytes[0] == (byte)'{')
            {
                error = JsonSerializer.Deserialize(bytes, LavalinkJsonContext.Default.ErrorDto);
            }
        }
        catch (JsonException)
        {
        }

        if (error is null && response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
        {
            // A proxy in front of a Lavalink that is down.
            return new LavalinkUnavailableException(
                string.Create(CultureInfo.InvariantCulture, $"Audio server unavailable: HTTP {status} from in front of Lavalink."));
        }

        var message = !string.IsNullOrWhiteSpace(error?.Message) ? error.Message
            : !string.IsNullOrWhiteSpace(error?.Error) ? error.Error
            : string.Create(CultureInfo.InvariantCulture, $"Lavalink answered HTTP {status} {response.ReasonPhrase}");
        return new LavalinkException(error?.Status is > 0 ? error.Status : status, message)
        {
            Error = error?.Error,
            Path = error?.Path ?? "/" + StripQuery(path),
        };
    }

    private static string StripQuery(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    private static string Describe(HttpRequestException exception) => exception.InnerException switch
    {
        SocketException socket => socket.SocketErrorCode.ToString(),
        _ when exception.HttpRequestError != HttpRequestError.Unknown => exception.HttpRequestError.ToString(),
        _ => exception.Message,
    };
}
