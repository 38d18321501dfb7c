using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Commands;
using Serverless.Discord.Interactions;
using Serverless.Discord.Json;

namespace Serverless.Discord.Rest;

/// <summary>
/// Typed calls to Discord's REST API. Rate limiting and retries plug in as handlers of the named
/// <see cref="HttpClient"/> <see cref="HttpClientName"/> (see <c>AddDiscordRest</c>), so call sites stay as they are.
/// Every message it sends or edits is first fitted to Discord's limits (<see cref="DiscordMessageLimits"/>).
/// A singleton: it asks the factory for a client on every call, so the factory's handler rotation still applies.
/// </summary>
/// <param name="httpClients">Gives the <see cref="HttpClientName"/> client, with its handlers, per call.</param>
/// <param name="logger">Where a shortened message is reported; none when left out.</param>
public sealed partial class DiscordRestClient(IHttpClientFactory httpClients, DiscordCredentials credentials, ILogger<DiscordRestClient>? logger = null)
{
    public const string HttpClientName = "discord";

    /// <summary>A client over one fixed <see cref="HttpClient"/>, for tests that hand it a fake handler.</summary>
    public DiscordRestClient(HttpClient http, DiscordCredentials credentials, ILogger<DiscordRestClient>? logger = null)
        : this(new FixedHttpClientFactory(http), credentials, logger)
    {
    }

    private const int UnknownVoiceState = 10065;

    /// <summary>Edits the answer to an interaction. Interaction webhooks take no bot authorization.</summary>
    public Task<MessagePayload> EditOriginalResponseAsync(ulong applicationId, string interactionToken, MessageEditPayload edit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        ArgumentNullException.ThrowIfNull(edit);
        const string Route = "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original";
        ReportShortened(DiscordMessageLimits.Fit(edit), Route);
        var path = string.Create(CultureInfo.InvariantCulture, $"webhooks/{applicationId}/{Uri.EscapeDataString(interactionToken)}/messages/@original");
        var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = JsonContent.Create(edit, DiscordJsonContext.Default.MessageEditPayload),
        };

        // A user is waiting on this edit: it goes out even when the invalid-request budget is low.
        request.Options.Set(DiscordRequestOptions.Essential, true);
        return SendAsync(request, Route, DiscordJsonContext.Default.MessagePayload, cancellationToken);
    }

    /// <summary>Sends a follow-up message to an interaction (a new message, not the "thinking…" one).</summary>
    public Task<MessagePayload> CreateFollowupMessageAsync(ulong applicationId, string interactionToken, MessageCreatePayload message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        ArgumentNullException.ThrowIfNull(message);
        const string Route = "POST /webhooks/{application.id}/{interaction.token}";
        ReportShortened(DiscordMessageLimits.Fit(message), Route);
        var path = string.Create(CultureInfo.InvariantCulture, $"webhooks/{applicationId}/{Uri.EscapeDataString(interactionToken)}");
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(message, DiscordJsonContext.Default.MessageCreatePayload),
        };
        request.Options.Set(DiscordRequestOptions.Essential, true);
        return SendAsync(request, Route, DiscordJsonContext.Default.MessagePayload, cancellationToken);
    }

    /// <summary>Edits a message the bot posted in a channel (dashboards are edited in place).</summary>
    public Task<MessagePayload> EditMessageAsync(ulong channelId, ulong messageId, MessageEditPayload edit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        const string Route = "PATCH /channels/{channel.id}/messages/{message.id}";
        ReportShortened(DiscordMessageLimits.Fit(edit), Route);
        var request = new HttpRequestMessage(HttpMethod.Patch, string.Create(CultureInfo.InvariantCulture, $"channels/{channelId}/messages/{messageId}"))
        {
            Content = JsonContent.Create(edit, DiscordJsonContext.Default.MessageEditPayload),
        };
        AuthorizeAsBot(request);
        return SendAsync(request, Route, DiscordJsonContext.Default.MessagePayload, cancellationToken);
    }

    /// <summary>Deletes a message in a channel. Discord answers 204 with no body.</summary>
    public async Task DeleteMessageAsync(ulong channelId, ulong messageId, CancellationToken cancellationToken = default)
    {
        const string Route = "DELETE /channels/{channel.id}/messages/{message.id}";
        using var request = new HttpRequestMessage(HttpMethod.Delete, string.Create(CultureInfo.InvariantCulture, $"channels/{channelId}/messages/{messageId}"));
        request.Options.Set(DiscordRequestOptions.Route, Route);
        AuthorizeAsBot(request);
        using var response = await SendRawAsync(request, Route, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, Route, cancellationToken);
        }
    }

    /// <summary>Where and how the companion should connect to the gateway.</summary>
    public Task<GatewayBotPayload> GetGatewayBotAsync(CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "gateway/bot");
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /gateway/bot", DiscordJsonContext.Default.GatewayBotPayload, cancellationToken);
    }

    /// <summary>Posts a message in a channel. With a nonce and <c>enforce_nonce</c> the post is retried safely on 5xx.</summary>
    public Task<MessagePayload> CreateMessageAsync(ulong channelId, MessageCreatePayload message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        const string Route = "POST /channels/{channel.id}/messages";
        ReportShortened(DiscordMessageLimits.Fit(message), Route);
        var path = string.Create(CultureInfo.InvariantCulture, $"channels/{channelId}/messages");
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(message, DiscordJsonContext.Default.MessageCreatePayload),
        };
        request.Options.Set(DiscordRequestOptions.Idempotent, message.Nonce is not null && message.EnforceNonce == true);
        AuthorizeAsBot(request);
        return SendAsync(request, Route, DiscordJsonContext.Default.MessagePayload, cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> (1–100) of a channel's messages with ids above <paramref name="after"/> (the oldest
    /// of those), in no order to rely on. Needs View Channel; without Read Message History Discord answers none.
    /// </summary>
    public Task<IReadOnlyList<MessagePayload>> GetChannelMessagesAfterAsync(ulong channelId, ulong after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 100);
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"channels/{channelId}/messages?after={after}&limit={limit}"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /channels/{channel.id}/messages", DiscordJsonContext.Default.IReadOnlyListMessagePayload, cancellationToken);
    }

    /// <summary>The bot's own user; proves the bot token is accepted.</summary>
    public Task<UserPayload> GetCurrentUserAsync(CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "users/@me");
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /users/@me", DiscordJsonContext.Default.UserPayload, cancellationToken);
    }

    /// <summary>The bot's application: its owner, or the team that owns it and its members.</summary>
    public Task<ApplicationPayload> GetCurrentApplicationAsync(CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "oauth2/applications/@me");
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /oauth2/applications/@me", DiscordJsonContext.Default.ApplicationPayload, cancellationToken);
    }

    /// <summary>A channel: its type, guild and permission overwrites. 404 for an unknown channel, 403 when the bot may not see it.</summary>
    public Task<ChannelPayload> GetChannelAsync(ulong channelId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"channels/{channelId}"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /channels/{channel.id}", DiscordJsonContext.Default.ChannelPayload, cancellationToken);
    }

    /// <summary>A guild the bot is in: its owner and roles (with their permissions).</summary>
    public Task<GuildPayload> GetGuildAsync(ulong guildId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"guilds/{guildId}"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /guilds/{guild.id}", DiscordJsonContext.Default.GuildPayload, cancellationToken);
    }

    /// <summary>One member of a guild, with their role ids. 404 (10007) when the user is not a member.</summary>
    public Task<GuildMemberPayload> GetGuildMemberAsync(ulong guildId, ulong userId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"guilds/{guildId}/members/{userId}"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /guilds/{guild.id}/members/{user.id}", DiscordJsonContext.Default.GuildMemberPayload, cancellationToken);
    }

    /// <summary>
    /// A member's voice state, or null when they are in no voice channel (Discord's 404 with code 10065, Unknown Voice State).
    /// </summary>
    public async Task<VoiceStatePayload?> GetVoiceStateAsync(ulong guildId, ulong userId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"guilds/{guildId}/voice-states/{userId}"));
        AuthorizeAsBot(request);
        try
        {
            return await SendAsync(request, "GET /guilds/{guild.id}/voice-states/{user.id}", DiscordJsonContext.Default.VoiceStatePayload, cancellationToken);
        }
        catch (DiscordApiException exception) when (exception.ErrorCode == UnknownVoiceState)
        {
            return null;
        }
    }

    /// <summary>The application's global commands as Discord has them.</summary>
    public Task<IReadOnlyList<ApplicationCommandPayload>> GetGlobalCommandsAsync(ulong applicationId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"applications/{applicationId}/commands"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /applications/{application.id}/commands", DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload, cancellationToken);
    }

    /// <summary>The application's commands in one guild as Discord has them.</summary>
    public Task<IReadOnlyList<ApplicationCommandPayload>> GetGuildCommandsAsync(ulong applicationId, ulong guildId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"applications/{applicationId}/guilds/{guildId}/commands"));
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /applications/{application.id}/guilds/{guild.id}/commands", DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload, cancellationToken);
    }

    /// <summary>Replaces all global commands (of every type) with <paramref name="commands"/>; returns them as Discord stored them.</summary>
    public Task<IReadOnlyList<ApplicationCommandPayload>> BulkOverwriteGlobalCommandsAsync(ulong applicationId, IReadOnlyList<ApplicationCommandPayload> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var request = new HttpRequestMessage(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"applications/{applicationId}/commands"))
        {
            Content = JsonContent.Create(commands, DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload),
        };
        AuthorizeAsBot(request);
        return SendAsync(request, "PUT /applications/{application.id}/commands", DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload, cancellationToken);
    }

    /// <summary>Replaces all of one guild's commands (of every type) with <paramref name="commands"/>; returns them as Discord stored them.</summary>
    public Task<IReadOnlyList<ApplicationCommandPayload>> BulkOverwriteGuildCommandsAsync(ulong applicationId, ulong guildId, IReadOnlyList<ApplicationCommandPayload> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var request = new HttpRequestMessage(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"applications/{applicationId}/guilds/{guildId}/commands"))
        {
            Content = JsonContent.Create(commands, DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload),
        };
        AuthorizeAsBot(request);
        return SendAsync(request, "PUT /applications/{application.id}/guilds/{guild.id}/commands", DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload, cancellationToken);
    }

    private void ReportShortened(int? originalLength, string route)
    {
        if (originalLength is { } length && logger is not null)
        {
            Log.ContentShortened(logger, route, length, DiscordMessageLimits.MaxContentLength);
        }
    }

    /// <summary>Marks the call as the bot's: <see cref="SendRawAsync"/> adds the header with the token in use.</summary>
    private static void AuthorizeAsBot(HttpRequestMessage request) => request.Options.Set(DiscordRequestOptions.BotAuth, true);

    /// <param name="route">The route template for errors, logs, spans and metrics: the real path can hold a token.</param>
    private async Task<T> SendAsync<T>(HttpRequestMessage request, string route, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Options.Set(DiscordRequestOptions.Route, route);
            using var response = await SendRawAsync(request, route, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, route, cancellationToken);
            }

            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                ?? throw new DiscordApiException(response.StatusCode, null, route, "empty response body");
        }
    }

    /// <summary>
    /// Sends once; a bot call answered 401 makes <see cref="DiscordCredentials"/> re-read the token, and when that gives a
    /// new one the call is sent once more with it. While the token in use is known to be refused (re-read less than the
    /// refresh interval ago, nothing new) a bot call fails here without reaching Discord.
    /// </summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, string route, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        if (!request.Options.TryGetValue(DiscordRequestOptions.BotAuth, out var asBot) || !asBot)
        {
            return await client.SendAsync(request, cancellationToken);
        }

        var token = await credentials.GetBotTokenAsync(cancellationToken);
        if (credentials.IsKnownRejected(token))
        {
            throw new DiscordUnauthorizedException(null, route, $"Discord refused the bot token and {credentials.SourceDescription} holds no new one yet; not calling Discord before {credentials.NextRefreshAt:O}");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bot", token);
        var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized
            || !await credentials.RefreshAfterUnauthorizedAsync(token, cancellationToken)
            || credentials.BotToken is not { } renewed)
        {
            return response;
        }

        response.Dispose();
        using var retry = CopyOf(request);
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bot", renewed);
        return await client.SendAsync(retry, cancellationToken);
    }

    /// <summary>A request can be sent only once: the retry is a copy (same content, which is serialized again).</summary>
    private static HttpRequestMessage CopyOf(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }

    private static async Task<DiscordApiException> ToExceptionAsync(HttpResponseMessage response, string route, CancellationToken cancellationToken)
    {
        DiscordErrorPayload? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(DiscordJsonContext.Default.DiscordErrorPayload, cancellationToken);
        }
        catch (JsonException)
        {
            // Cloudflare and proxies answer with HTML; the status alone must do.
        }

        var message = error?.Message ?? response.ReasonPhrase;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new DiscordUnauthorizedException(error?.Code, route, message),
            HttpStatusCode.TooManyRequests => new DiscordRateLimitedException(route, TimeSpan.FromSeconds(error?.RetryAfter ?? 0), error?.Global == true, error?.Code, message),
            _ => new DiscordApiException(response.StatusCode, error?.Code, route, message),
        };
    }

    private sealed class FixedHttpClientFactory(HttpClient http) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => http;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2141, Level = LogLevel.Warning, Message = "Shortened a message for {Route} from {Length} to {MaxLength} characters, Discord's limit")]
        public static partial void ContentShortened(ILogger logger, string route, int length, int maxLength);
    }
}
