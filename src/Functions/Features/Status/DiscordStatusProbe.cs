using System.Net;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Features.Status;

/// <summary>Asks Discord who the bot is: the cheapest call that proves the token is accepted.</summary>
/// <remarks>
/// Takes a factory, not the client: every command is built with the router on the first request, and
/// building the HTTP client pipeline there would slow a cold instance's first answer for nothing.
/// </remarks>
public sealed class DiscordStatusProbe(Func<DiscordRestClient> discordFactory, DiscordCredentials credentials) : IDiscordStatusProbe
{
    public async Task<DiscordStatus> CheckAsync(CancellationToken cancellationToken)
    {
        if (credentials.BotToken is null)
        {
            return new DiscordStatus(DependencyState.NotConfigured, Problem: "Discord__BotToken is not set");
        }

        try
        {
            var bot = await discordFactory().GetCurrentUserAsync(cancellationToken);
            return new DiscordStatus(DependencyState.Ok, bot.Username);
        }
        catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.Unauthorized)
        {
            return new DiscordStatus(DependencyState.Unauthorized, Problem: "Discord rejected the bot token");
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DiscordStatus(DependencyState.Unreachable, Problem: "Discord did not answer");
        }
    }
}
