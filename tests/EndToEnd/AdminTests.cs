using System.Globalization;
using Serverless.Domain.Controls;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Storage.Controls;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// <c>/admin</c> through the DevHost, Azurite and the Sandbox: the Sandbox application's owner (its default user; no
/// <c>Bot__Owners</c>) turns a command off, the change is stored and listed by <c>/admin audit</c> and
/// <c>bot-ops audit list</c>; anyone else is refused and nothing is stored.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AdminTests(BotEnvironment bot) : IClassFixture<BotEnvironment>
{
    private const ulong Stranger = 100000000000000099;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TableOperatorControlStore Store => new(bot.Account);

    private async Task<string> AdminAsync(ulong user, CommandOption subcommand)
    {
        var command = new CommandInteraction { Name = "admin", UserId = user };
        command.Options.Add(subcommand);
        var sent = await bot.Discord.Interactions.SendCommandAsync(command, bot.InteractionsUrl);
        Assert.True(sent.ResponseType == 5, sent.ResponseBody);
        await bot.Discord.WaitForCallAsync(c => c.Method == "PATCH" && c.InteractionToken == sent.Token && c.StatusCode == 200, Patience);
        var original = bot.Discord.State.GetOriginal(sent.Token)!;
        Assert.True(original.IsEphemeral);
        return original.Content;
    }

    [Fact]
    public async Task TheApplicationsOwner_DisablesACommand_AndItIsStoredAndAudited_WhileAStrangerIsRefused()
    {
        var refused = await AdminAsync(Stranger, CommandOption.SubCommandGroup("feature", CommandOption.SubCommand(
            "disable", CommandOption.String("target", "/ping"), CommandOption.String("reason", "Mine now."))));
        Assert.Equal("Only the bot's owners can use /admin.", refused);
        Assert.Empty((await Store.LoadAsync(CancellationToken.None)).Switches);
        Assert.Empty(await Store.ListAuditAsync(null, 10, CancellationToken.None));

        var disabled = await AdminAsync(SandboxDefaults.UserId, CommandOption.SubCommandGroup("feature", CommandOption.SubCommand(
            "disable", CommandOption.String("target", "/ping"), CommandOption.String("reason", "Pings are resting for a moment."), CommandOption.String("duration", "1h"))));
        Assert.StartsWith("Disabled /ping everywhere until ", disabled, StringComparison.Ordinal);

        var stored = Assert.Single((await Store.LoadAsync(CancellationToken.None)).Switches);
        Assert.Equal("/ping", stored.Target.ToString());
        Assert.Equal(ControlActor.DiscordUser(SandboxDefaults.UserId), stored.SetBy);
        Assert.Equal("Pings are resting for a moment.", stored.Reason);

        var audit = await AdminAsync(SandboxDefaults.UserId, CommandOption.SubCommand("audit"));
        Assert.Contains($"discord:{SandboxDefaults.UserId} feature.disabled /ping", audit, StringComparison.Ordinal);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Ops.OpsCli.RunAsync(
            ["audit", "list", "--output", "json"],
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = bot.Azurite.ConnectionString },
            output,
            error,
            TimeProvider.System);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("\"action\": \"feature.disabled\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(SandboxDefaults.UserId.ToString(CultureInfo.InvariantCulture), output.ToString(), StringComparison.Ordinal);
    }
}
