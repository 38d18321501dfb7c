using Microsoft.Extensions.Configuration;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Storage;
using Serverless.Storage.Backup;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// A backup round trip under the running bot: state made through Discord interactions (a time zone, a scheduled post
/// through the modal), exported with <c>bot-ops</c>, the tables dropped, imported back, and the bot answers as before.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackupRoundTripTests(BotEnvironment bot) : IClassFixture<BotEnvironment>, IDisposable
{
    /// <summary>A moderator's permissions: the Sandbox's default member lacks Manage Messages, which the form submit re-checks.</summary>
    private static readonly string Moderator = (ulong.Parse(SandboxDefaults.MemberPermissions, System.Globalization.CultureInfo.InvariantCulture) | 8192)
        .ToString(System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "backup-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExportDropImport_TheBotStillSeesThePostAndTheTimeZone()
    {
        await WarmUpAsync();
        var zone = await ScheduleAsync(CommandOption.SubCommand("timezone", CommandOption.String("zone", "Asia/Tokyo")));
        Assert.StartsWith("Time zone set to Asia/Tokyo", zone, StringComparison.Ordinal);
        var postId = await CreatePostAsync("Backups are restored.");
        var before = await ScheduleAsync(CommandOption.SubCommand("list"));
        Assert.Contains(postId, before, StringComparison.Ordinal);

        var export = await OpsAsync("backup", "export", "--out", _directory);
        Assert.True(export.Code == 0, export.Error);
        await DropBackedUpTablesAsync();
        var emptied = await ScheduleAsync(CommandOption.SubCommand("list"));
        var import = await OpsAsync("backup", "import", _directory, "--yes");
        Assert.True(import.Code == 0, import.Error);
        var after = await ScheduleAsync(CommandOption.SubCommand("list"));
        var posts = await OpsAsync("posts", "list");

        Assert.Equal("No scheduled posts in this server.", emptied);
        Assert.Equal(before, after);
        Assert.Contains("(times in Asia/Tokyo)", after, StringComparison.Ordinal);
        Assert.Contains(postId, posts.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The worker's first member lookup (a cold HTTP client, the rate-limit table) can outlast the command's 2-second
    /// permission check; once warm it answers at once.
    /// </summary>
    private async Task WarmUpAsync()
    {
        bot.Discord.State.SetGuildOwner(bot.Discord.Interactions.DefaultGuildId, bot.Discord.Interactions.DefaultUserId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (!(await ScheduleAsync(CommandOption.SubCommand("list"))).StartsWith("I couldn't check", StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    private async Task<string> ScheduleAsync(CommandOption subcommand)
    {
        var command = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator };
        command.Options.Add(subcommand);
        var answered = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(answered.ResponseType == 4, answered.ResponseBody);
        return answered.ResponseJson!.Value.GetProperty("data").GetProperty("content").GetString()!;
    }

    private async Task<string> CreatePostAsync(string content)
    {
        var command = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator };
        command.Options.Add(CommandOption.SubCommand("create", CommandOption.Channel("channel", 720000000000000001), CommandOption.String("when", "in 2h")));
        var opened = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(opened.ResponseType == 9, opened.ResponseBody);
        var customId = opened.ResponseJson!.Value.GetProperty("data").GetProperty("custom_id").GetString()!;

        var submit = new ModalSubmitInteraction { CustomId = customId, Context = new CommandInteraction { Name = "schedule", MemberPermissions = Moderator } };
        submit.Values["content"] = content;
        var submitted = await bot.Discord.Interactions.SendModalSubmitAsync(submit, bot.InteractionsUrl);
        Assert.True(submitted.ResponseType is 4 or 5, submitted.ResponseBody);

        // Answered at once, or deferred and stored by the queued run: either way the post is in storage shortly.
        var store = new TableScheduledPostStore(Account());
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var posts = await store.ListAsync(bot.Discord.Interactions.DefaultGuildId, statuses: null, CancellationToken.None);
            if (posts.FirstOrDefault(post => post.Content == content) is { } post)
            {
                return post.Id;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "The scheduled post was not stored within 30 s: " + submitted.ResponseBody);
            await Task.Delay(200);
        }
    }

    private StorageAccount Account() => StorageAccount.FromConfiguration(new ConfigurationBuilder()
        .AddInMemoryCollection([new(StorageAccount.SettingName, bot.Azurite.ConnectionString)]).Build());

    private async Task DropBackedUpTablesAsync()
    {
        var account = Account();
        foreach (var table in BackupCatalog.BackedUp)
        {
            await account.Tables.DeleteTableAsync(table.Name);
        }
    }

    private async Task<(int Code, string Output, string Error)> OpsAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Ops.OpsCli.RunAsync(
            args,
            new Dictionary<string, string?> { [StorageAccount.SettingName] = bot.Azurite.ConnectionString },
            output,
            error,
            TimeProvider.System);
        return (code, output.ToString(), error.ToString());
    }
}
