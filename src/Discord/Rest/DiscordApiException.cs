using System.Net;
using Serverless.Domain.DeferredWork;

namespace Serverless.Discord.Rest;

/// <summary>
/// Discord refused or failed a REST call. Carries the HTTP status and Discord's JSON error code;
/// the message never holds the request's URL, which can contain an interaction token.
/// </summary>
public class DiscordApiException : Exception, IInteractionGoneError
{
    public DiscordApiException()
    {
    }

    public DiscordApiException(string message)
        : base(message)
    {
    }

    public DiscordApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DiscordApiException(HttpStatusCode status, int? errorCode, string route, string? discordMessage)
        : base($"Discord answered {(int)status} to {route}: {errorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {discordMessage}")
    {
        Status = status;
        ErrorCode = errorCode;
        DiscordMessage = discordMessage;
    }

    /// <summary>For the typed errors raised before or instead of Discord's answer.</summary>
    public DiscordApiException(HttpStatusCode status, int? errorCode, string route, string? discordMessage, Exception? innerException)
        : base($"Discord answered {(int)status} to {route}: {errorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {discordMessage}", innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        DiscordMessage = discordMessage;
    }

    public HttpStatusCode Status { get; }

    /// <summary>Discord's JSON error code, e.g. 10062 Unknown interaction; null when the body had none.</summary>
    public int? ErrorCode { get; }

    public string? DiscordMessage { get; }

    /// <summary>The interaction token is dead (expired, unknown, or already deleted webhook): retrying cannot help.</summary>
    public bool IsInteractionGone => ErrorCode is DiscordErrorCodes.UnknownInteraction or DiscordErrorCodes.UnknownWebhook or DiscordErrorCodes.InvalidWebhookToken;

    /// <summary>Worth another try later: Discord's side failed or asked us to slow down.</summary>
    public bool IsTransient => (int)Status >= 500 || Status == HttpStatusCode.TooManyRequests;
}

public static class DiscordErrorCodes
{
    public const int UnknownChannel = 10003;
    public const int UnknownGuild = 10004;
    public const int UnknownMember = 10007;
    public const int UnknownMessage = 10008;
    public const int UnknownWebhook = 10015;
    public const int UnknownInteraction = 10062;
    public const int MissingAccess = 50001;
    public const int MissingPermissions = 50013;
    public const int InvalidWebhookToken = 50027;
}
