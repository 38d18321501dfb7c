using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using Serverless.Discord.Commands;
using Serverless.Domain.Commands;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;

namespace Serverless.EndToEnd.Tests.Console;

/// <summary>
/// The whole bot with music (the companion and the Lavalink double), the bot's commands registered with the
/// Sandbox as dev-up registers them, and a headless Chromium for the Sandbox's web console.
/// </summary>
public sealed class ConsoleEnvironment : MusicEnvironment
{
    public ConsoleBrowser Browser { get; private set; } = null!;

    /// <summary>The console, sending its interactions to this environment's worker (the page's <c>?botUrl=</c>).</summary>
    public string ConsoleUrl => $"{Discord.BaseUrl}/?botUrl={Uri.EscapeDataString(InteractionsUrl.ToString())}";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await RegisterCommandsAsync();
        await WarmUpScheduleAsync();
        Browser = await ConsoleBrowser.StartAsync();
    }

    /// <summary>
    /// The worker's first <c>/schedule create</c> opens its storage tables and its first Discord client; on a busy
    /// two-core machine that alone can pass Discord's 3 seconds. Sent once here as the owner (the form it opens is left
    /// unsubmitted). The bot then caches the guild's roles; a permission a test gives a member later is one of the
    /// Sandbox's one-bit roles, which that cache already holds.
    /// </summary>
    private async Task WarmUpScheduleAsync()
    {
        var command = new CommandInteraction { Name = "schedule" };
        command.Options.Add(CommandOption.SubCommand("create", CommandOption.Channel("channel", SandboxDefaults.ChannelId), CommandOption.String("when", "in 2h")));
        var sent = await Discord.Interactions.SendCommandAsync(command, InteractionsUrl);
        Assert.Equal(200, sent.StatusCode);
    }

    /// <summary>The bot's commands as <c>bot-ops commands deploy</c> sends them: one bulk overwrite of the global commands.</summary>
    private async Task RegisterCommandsAsync()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(
            HttpMethod.Put,
            new Uri(string.Create(CultureInfo.InvariantCulture, $"{Discord.ApiBaseUrl}/applications/{Discord.ApplicationId}/commands")))
        {
            Content = new StringContent(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bot", Discord.BotToken);
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"Registering the commands: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<IPage> OpenConsoleAsync() => Browser.OpenConsoleAsync(ConsoleUrl);

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
