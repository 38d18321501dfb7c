using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Serverless.Domain.Features.Music;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Storage;
using Serverless.Storage.ScheduledPosts;
using static Microsoft.Playwright.Assertions;

namespace Serverless.EndToEnd.Tests.Console;

/// <summary>
/// The Sandbox's web console in headless Chromium, driven as a person would: the command picker, the member
/// panel, forms, buttons and the call panel, against the whole bot (worker, companion, Lavalink double).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class ConsoleTests(ConsoleEnvironment bot) : IClassFixture<ConsoleEnvironment>
{
    private const string SandboxUser = "100000000000000030";
    private const string Moderator = "100000000000000032";
    private const string Newcomer = "100000000000000033";

    static ConsoleTests() =>
        // Every wait below is for something the page shows; CI's two cores make the bot slow, never the test.
        SetDefaultExpectTimeout(45_000);

    [Fact]
    public async Task Ping_FromThePicker_ShowsTheBotsAnswer()
    {
        var page = await bot.OpenConsoleAsync();
        await bot.Browser.RunAsync(page, nameof(Ping_FromThePicker_ShowsTheBotsAnswer), async () =>
        {
            await ActAsAsync(page, SandboxUser);

            // "/" lists the registered commands; choosing one fills the box.
            await page.GetByTestId("composer-input").PressSequentiallyAsync("/");
            await Expect(PickerItem(page, "schedule")).ToBeVisibleAsync();
            await page.GetByTestId("composer-input").PressSequentiallyAsync("pi");
            await Expect(page.GetByTestId("picker-item")).ToHaveCountAsync(1);
            await PickerItem(page, "ping").ClickAsync();
            await page.GetByTestId("composer-input").PressAsync("Enter");

            var answer = Answer(page, "/ping");
            await Expect(answer.GetByTestId("message-content")).ToContainTextAsync("Pong!");
            await Expect(answer.GetByTestId("message-author")).ToHaveTextAsync("sandbox-bot");
            await Expect(page.GetByTestId("composer-status")).ToContainTextAsync("/ping: answered in");
        });
    }

    [Fact]
    public async Task Status_ShowsThinking_ThenTheEditedAnswer()
    {
        // The edit is held back three seconds, so the deferred state is on screen long enough to be seen.
        var slowEdit = bot.Discord.Faults.Add(new FaultRule { Method = "PATCH", PathContains = "/messages/@original", Delay = TimeSpan.FromSeconds(3), Times = 1 });
        var page = await bot.OpenConsoleAsync();
        try
        {
            await bot.Browser.RunAsync(page, nameof(Status_ShowsThinking_ThenTheEditedAnswer), async () =>
            {
                await ActAsAsync(page, SandboxUser);
                await ChooseCommandAsync(page, "status");
                await page.GetByTestId("send-button").ClickAsync();

                var answer = Answer(page, "/status");
                await Expect(answer.GetByTestId("message-loading")).ToHaveTextAsync("sandbox-bot is thinking…");
                await Expect(answer.GetByTestId("message-ephemeral")).ToHaveTextAsync("Only you can see this");
                await Expect(answer.GetByTestId("message-content")).ToContainTextAsync("storage: ok");
                await Expect(answer.GetByTestId("message-loading")).ToHaveCountAsync(0);
                Assert.Equal(1, slowEdit.TimesFired);
            });
        }
        finally
        {
            bot.Discord.Faults.Clear();
        }
    }

    [Fact]
    public async Task ScheduleCreate_RefusedWithoutManageMessages_ThenThroughItsFormOnceThePanelGrantsIt()
    {
        var page = await bot.OpenConsoleAsync();
        await bot.Browser.RunAsync(page, nameof(ScheduleCreate_RefusedWithoutManageMessages_ThenThroughItsFormOnceThePanelGrantsIt), async () =>
        {
            await ActAsAsync(page, Newcomer);
            await page.GetByTestId("member-panel-toggle").ClickAsync();
            var manageMessages = page.Locator("[data-testid=permission][data-permission=MANAGE_MESSAGES]");
            await Expect(manageMessages).Not.ToBeCheckedAsync();

            await SendScheduleCreateAsync(page);
            var refused = Answer(page, "/schedule").Last;
            await Expect(refused.GetByTestId("message-content")).ToContainTextAsync("Manage Messages in #general");
            await Expect(page.GetByTestId("modal-dialog")).Not.ToBeVisibleAsync();

            await manageMessages.CheckAsync();
            var granted = (ulong.Parse(SandboxDefaults.MemberPermissions, CultureInfo.InvariantCulture) | (1UL << 13)).ToString(CultureInfo.InvariantCulture);
            await Expect(page.GetByTestId("member-permissions-value")).ToContainTextAsync(granted);

            var form = page.GetByTestId("modal-dialog");
            await SendScheduleCreateUntilTheFormOpensAsync(page, form);
            await form.Locator("[data-testid=modal-input][data-custom-id=content]").FillAsync("Console release notes are out!");
            await form.GetByTestId("modal-submit").ClickAsync();
            await Expect(form).Not.ToBeVisibleAsync();

            var confirmation = page.GetByTestId("message").Filter(new() { HasText = "Scheduled post" }).Last;
            await Expect(confirmation.GetByTestId("message-content")).ToContainTextAsync("Scheduled post");
            // The id is in a code span, so the page shows it without backticks.
            var postId = await confirmation.Locator("[data-testid=message-content] code").First.InnerTextAsync();
            Assert.Matches(ScheduledPostId(), postId);

            // The post is in storage, created by the acting member for the chosen channel.
            var store = new TableScheduledPostStore(StorageAccount.FromConfiguration(new ConfigurationBuilder()
                .AddInMemoryCollection([new(StorageAccount.SettingName, bot.Azurite.ConnectionString)]).Build()));
            var stored = await store.GetAsync(SandboxDefaults.GuildId, postId, CancellationToken.None);
            Assert.NotNull(stored);
            Assert.Equal(ulong.Parse(Newcomer, CultureInfo.InvariantCulture), stored.CreatedBy);
            Assert.Equal(SandboxDefaults.ChannelId, stored.ChannelId);
            Assert.Equal("Console release notes are out!", stored.Content);
        });
    }

    [Fact]
    public async Task MusicPauseButton_AfterJoiningVoiceInThePanel_PausesThePlayer()
    {
        var page = await bot.OpenConsoleAsync();
        await bot.Browser.RunAsync(page, nameof(MusicPauseButton_AfterJoiningVoiceInThePanel_PausesThePlayer), async () =>
        {
            await ActAsAsync(page, Moderator);
            await page.GetByTestId("member-panel-toggle").ClickAsync();
            await page.GetByTestId("member-voice").SelectOptionAsync(SandboxDefaults.VoiceChannelId.ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator($"[data-testid=voice-channel] [data-testid=voice-member][data-user-id='{Moderator}']")).ToBeVisibleAsync();

            await ChooseCommandAsync(page, "music", "play");
            await page.Locator("[data-testid=option-input][data-option=query]").FillAsync("sandbox:track?length=600000&title=Console Song");
            await page.GetByTestId("composer-input").PressAsync("Enter");
            await Expect(Answer(page, "/music").Last.GetByTestId("message-content")).ToContainTextAsync("Console Song");

            // The companion's now-playing message arrives live, with its buttons.
            var pause = page.Locator($"[data-testid=component-button][data-custom-id='{MusicCommand.Buttons.Pause}']").Last;
            await Expect(pause).ToBeVisibleAsync();
            await pause.ClickAsync();

            var paused = await bot.Lavalink.WaitForPlayerAsync(SandboxDefaults.GuildId, player => player.Paused, MusicEnvironment.Patience);
            Assert.Equal("Console Song", paused.Track?.Title);
            await Expect(page.Locator($"[data-testid=component-button][data-custom-id='{MusicCommand.Buttons.Resume}']").Last).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task RateLimitStorm_ShowsItsRowsInTheCallPanel_AndTheBotStillAnswers()
    {
        var page = await bot.OpenConsoleAsync();
        try
        {
            await bot.Browser.RunAsync(page, nameof(RateLimitStorm_ShowsItsRowsInTheCallPanel_AndTheBotStillAnswers), async () =>
            {
                await ActAsAsync(page, SandboxUser);
                await page.Locator("[data-testid=fault-preset][data-preset=rate-limit-storm]").ClickAsync();
                await Expect(page.GetByTestId("fault-rules")).Not.ToHaveTextAsync("No faults armed.");

                await ChooseCommandAsync(page, "status");
                await page.GetByTestId("send-button").ClickAsync();

                await Expect(page.Locator("[data-testid=call-row][data-status='429']").First).ToBeVisibleAsync();
                await Expect(Answer(page, "/status").Last.GetByTestId("message-content")).ToContainTextAsync("storage: ok");
            });
        }
        finally
        {
            bot.Discord.Faults.Clear();
        }
    }

    private static ILocator PickerItem(IPage page, string name) => page.Locator($"[data-testid=picker-item][data-name='{name}']");

    /// <summary>The messages that answer a command or component ("/ping", "/schedule", a custom_id).</summary>
    private static ILocator Answer(IPage page, string invoked) =>
        page.GetByTestId("message").Filter(new() { Has = page.GetByTestId("message-interaction").Filter(new() { HasText = invoked }) });

    private static async Task ActAsAsync(IPage page, string userId)
    {
        await page.GetByTestId("member-select").SelectOptionAsync(userId);
        await Expect(page.GetByTestId("member-select")).ToHaveValueAsync(userId);
    }

    /// <summary>Types "/" and picks the command, then each subcommand, from the picker.</summary>
    private static async Task ChooseCommandAsync(IPage page, params string[] path)
    {
        var input = page.GetByTestId("composer-input");
        await input.FillAsync("");
        await input.PressSequentiallyAsync("/");
        foreach (var name in path)
        {
            await PickerItem(page, name).ClickAsync();
        }

        await Expect(input).ToHaveValueAsync($"/{string.Join(' ', path)} ");
    }

    private static async Task SendScheduleCreateAsync(IPage page)
    {
        await ChooseCommandAsync(page, "schedule", "create");
        await page.Locator("[data-testid=option-input][data-option=channel]").SelectOptionAsync(SandboxDefaults.ChannelId.ToString(CultureInfo.InvariantCulture));
        await page.Locator("[data-testid=option-input][data-option=when]").FillAsync("in 2h");
        await page.GetByTestId("send-button").ClickAsync();
    }

    /// <summary>
    /// Sends <c>/schedule create</c> until its form opens. The bot's first channel check in a cold worker can pass its
    /// 2-second budget on a busy machine; it then answers "try again in a moment", and a person would.
    /// </summary>
    private static async Task SendScheduleCreateUntilTheFormOpensAsync(IPage page, ILocator form)
    {
        var tryAgain = Answer(page, "/schedule").Filter(new() { HasText = "Please try again in a moment" });
        for (var attempt = 1; ; attempt++)
        {
            var earlier = await tryAgain.CountAsync();
            await SendScheduleCreateAsync(page);
            await Expect(form.Or(tryAgain.Nth(earlier)).First).ToBeVisibleAsync();
            if (await form.IsVisibleAsync() || attempt == 3)
            {
                await Expect(form).ToBeVisibleAsync();
                return;
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]+$")]
    private static partial Regex ScheduledPostId();
}
