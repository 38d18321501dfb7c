using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Discord.Interactions;
using Serverless.Discord.Json;

namespace Serverless.Discord.Rest;

/// <summary>
/// Typed calls to Discord's REST API. Rate limiting and retries plug in as handlers of the
/// <see cref="HttpClient"/> this client is given (see <c>AddDiscordRest</c>), so call sites stay as they are.
/// </summary>
public sealed class DiscordRestClient(HttpClient http, DiscordCredentials credentials)
{
    public const string HttpClientName = "discord";

    /// <summary>Edits the answer to an interaction. Interaction webhooks take no bot authorization.</summary>
    public Task<MessagePayload> EditOriginalResponseAsync(ulong applicationId, string interactionToken, MessageEditPayload edit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        var path = string.Create(CultureInfo.InvariantCulture, $"webhooks/{applicationId}/{Uri.EscapeDataString(interactionToken)}/messages/@original");
        var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = JsonContent.Create(edit, DiscordJsonContext.Default.MessageEditPayload),
        };
        return SendAsync(request, "PATCH /webhooks/{application}/{token}/messages/@original", DiscordJsonContext.Default.MessagePayload, cancellationToken);
    }

    /// <summary>The bot's own user; proves the bot token is accepted.</summary>
    public Task<UserPayload> GetCurrentUserAsync(CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "users/@me");
        AuthorizeAsBot(request);
        return SendAsync(request, "GET /users/@me", DiscordJsonContext.Default.UserPayload, cancellationToken);
    }

    private void AuthorizeAsBot(HttpRequestMessage request)
    {
        var token = credentials.BotToken ?? throw new DiscordApiException("Discord__BotToken is not configured.");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bot", token);
    }

    /// <param name="route">The route template for errors and logs: the real path can hold a token.</param>
    private async Task<T> SendAsync<T>(HttpRequestMessage request, string route, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, route, cancellationToken);
            }

            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                ?? throw new DiscordApiException(response.StatusCode, null, route, "empty response body");
        }
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

        return new DiscordApiException(response.StatusCode, error?.Code, route, error?.Message ?? response.ReasonPhrase);
    }
}

/// <summary>The bot token, kept apart from options so that it is read in one place and never logged.</summary>
public sealed class DiscordCredentials(string? botToken)
{
    public string? BotToken { get; } = string.IsNullOrWhiteSpace(botToken) ? null : botToken;
}
