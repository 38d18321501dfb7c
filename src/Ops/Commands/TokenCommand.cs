using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;

namespace Serverless.Ops.Commands;

/// <summary><c>token verify</c>: asks Discord whether it accepts the bot token the bot would use now.</summary>
internal static class TokenCommand
{
    public static Command Create(OpsContext context) =>
        new("token", "Check the bot token.")
        {
            CreateVerify(context),
        };

    private static Command CreateVerify(OpsContext context)
    {
        var command = new Command(
            "verify",
            "Call GET /users/@me with the bot token from the same source as the bot (Discord__BotTokenSecretUri, else "
            + "Discord__BotTokenFile, else Discord__BotToken) and print the bot user it belongs to. Never prints the token. "
            + "Exit 3 when Discord refuses it.");
        command.SetAction((parse, cancellationToken) => GuardAsync(context, async () =>
        {
            var config = await context.LoadDiscordAsync(parse, cancellationToken);
            var services = new ServiceCollection();
            services.AddSingleton(context.TimeProvider);
            services.AddDiscordRest(config.Configuration);
            await using var provider = services.BuildServiceProvider();
            var credentials = provider.GetRequiredService<DiscordCredentials>();
            var client = provider.GetRequiredService<DiscordRestClient>();

            var token = await credentials.GetBotTokenAsync(cancellationToken);
            var tokenUserId = TokenUserId(token);
            UserVerification result;
            try
            {
                var me = await client.GetCurrentUserAsync(cancellationToken);
                result = new UserVerification(
                    Accepted: true,
                    Source: credentials.SourceDescription,
                    UserId: me.Id.ToString(CultureInfo.InvariantCulture),
                    Username: me.Username,
                    TokenUserId: tokenUserId?.ToString(CultureInfo.InvariantCulture));
            }
            catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.Unauthorized)
            {
                // The message holds the status, Discord's code and message, and the route: never the token.
                await context.Error.WriteLineAsync($"Discord refused the token (401): {exception.Message} Source: {credentials.SourceDescription}.");
                if (context.WantsJson(parse))
                {
                    await JsonResult.WriteAsync(context.Output, new UserVerification(false, credentials.SourceDescription, null, null, tokenUserId?.ToString(CultureInfo.InvariantCulture)));
                }

                return ExitCodes.ServiceOrNetwork;
            }

            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, result);
            }
            else
            {
                await context.Output.WriteLineAsync($"Discord accepts the bot token from {result.Source}.");
                await context.Output.WriteLineAsync($"Bot user: {result.UserId} ({result.Username})");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The user id a Discord bot token names: its first segment is that id in base64, not a secret. Null for a token
    /// not in Discord's three-segment shape (then nothing of it is shown).
    /// </summary>
    internal static ulong? TokenUserId(string token)
    {
        var segments = token.Split('.');
        if (segments.Length != 3)
        {
            return null;
        }

        var first = segments[0].Replace('-', '+').Replace('_', '/');
        first = first.PadRight(first.Length + ((4 - (first.Length % 4)) % 4), '=');
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(first));
            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<int> GuardAsync(OpsContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OpsUsageException exception)
        {
            await context.Error.WriteLineAsync(exception.Message);
            return ExitCodes.UsageOrConfiguration;
        }
        catch (DiscordApiException exception)
        {
            await context.Error.WriteLineAsync(exception.Message);
            return ExitCodes.ServiceOrNetwork;
        }
        catch (HttpRequestException exception)
        {
            await context.Error.WriteLineAsync($"Cannot reach Discord: {exception.Message}");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (TaskCanceledException exception) when (exception.InnerException is TimeoutException)
        {
            await context.Error.WriteLineAsync("Discord did not answer in time.");
            return ExitCodes.ServiceOrNetwork;
        }
    }

    /// <summary>What <c>--output json</c> prints; ids as strings.</summary>
    private sealed record UserVerification(bool Accepted, string Source, string? UserId, string? Username, string? TokenUserId);
}
