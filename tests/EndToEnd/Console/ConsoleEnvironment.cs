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
    /// two-core machine that alone can pass Discord's 3 seconds. Sent once here (the form it opens is left unsubmitted),
    /// in a guild of its own: the bot caches a guild's roles for a minute, and the Sandbox guild's must be read only
    /// after a test has changed a member's permissions.
    /// </summary>
    private async Task WarmUpScheduleAsync()
    {
        const ulong WarmUpGuild = 700000000000000077;
        const ulong WarmUpChannel = 710000000000000077;
        Discord.State.SetGuildOwner(WarmUpGuild, SandboxDefaults.UserId);
        Discord.State.SetChannel(WarmUpChannel, guildId: WarmUpGuild);
        var command = new CommandInteraction { Name = "schedule", GuildId = WarmUpGuild, ChannelId = WarmUpChannel };
        command.Options.Add(CommandOption.SubCommand("create", CommandOption.Channel("channel", WarmUpChannel), CommandOption.String("when", "in 2h")));
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
