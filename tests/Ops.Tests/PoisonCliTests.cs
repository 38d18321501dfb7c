using Azure.Storage.Queues;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Tests;

/// <summary><c>queues poison peek|delete|purge|replay</c> and the JSON of <c>queues stats</c>, against Azurite.</summary>
public sealed class PoisonCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    // Shaped like Discord's: base64 of "interaction:" then the rest.
    private const string Token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4tdmFsdWU";

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    private QueueClient Interactions => azurite.Account.Queues.GetQueueClient(QueueNames.Interactions);

    private QueueClient InteractionsPoison => azurite.Account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Interactions));

    public async Task InitializeAsync()
    {
        foreach (var queue in QueueNames.Work.SelectMany(queue => new[] { queue, QueueNames.Poison(queue) }))
        {
            await azurite.Account.Queues.GetQueueClient(queue).DeleteIfExistsAsync();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Interaction(string correlationId) =>
        $$"""{"v":1,"kind":"interaction","correlationId":"{{correlationId}}","guildId":"900000000000000001","feature":"schedule","action":"run","interactionId":"5","applicationId":"6","interactionToken":"{{Token}}","options":{"text":"hello"},"locale":"en-US"}""";

    [Fact]
    public async Task Peek_ShowsTheEnvelope_RedactsTheToken_AndTakesNothing()
    {
        await SendAsync(InteractionsPoison, Interaction("corr1"));

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "peek", "interactions");
        var again = await OpsRun.RunAsync(Environment, "queues", "poison", "peek", "interactions-poison", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("interactions-poison: the first 1 of about 1 messages.", run.OutputLines[0]);
        Assert.Contains("dequeued 0  kind=interaction command=schedule correlation=corr1 guild=900000000000000001", run.OutputLines[1], StringComparison.Ordinal);
        Assert.StartsWith("{\"v\":1,\"kind\":\"interaction\",\"correlationId\":\"corr1\"", run.OutputLines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("aW50ZXJhY3Rpb246", run.Output + run.Error + again.Output, StringComparison.Ordinal);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        var message = Assert.Single(again.Json().GetProperty("messages").EnumerateArray().ToList());
        Assert.Equal("interactions-poison", again.Json().GetProperty("queue").GetString());
        Assert.Equal(0, message.GetProperty("dequeueCount").GetInt64());
        Assert.Equal("900000000000000001", message.GetProperty("guildId").GetString());
        Assert.Equal("corr1", message.GetProperty("correlationId").GetString());
        Assert.Equal("schedule", message.GetProperty("command").GetString());
        Assert.Equal(1, await DepthAsync(InteractionsPoison));
    }

    [Fact]
    public async Task Peek_RedactsTokens_InTextThatIsNotJson_OrNotBase64()
    {
        var raw = azurite.Account.VerbatimQueues.GetQueueClient(QueueNames.Poison(QueueNames.Interactions));
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync("{\"kind\":\"interaction\",\"interactionToken\":\"" + Token + "\",\"cut short");
        await raw.SendMessageAsync("plain text mentioning " + Token);
        await SendAsync(InteractionsPoison, "{\"kind\":\"interaction\",\"interactionToken\":\"" + Token + "\"}");

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "peek", "interactions", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var previews = run.Json().GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("preview").GetString()!).ToList();
        Assert.Equal(3, previews.Count);
        Assert.Contains("{\"kind\":\"interaction\",\"interactionToken\":\"REDACTED\"}", previews);
        Assert.All(previews, preview => Assert.Contains("REDACTED", preview, StringComparison.Ordinal));
        Assert.DoesNotContain("aW50ZXJhY3Rpb246", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesThatMessageOnly_AndTheOthersAreVisibleAtOnce()
    {
        await SendAsync(InteractionsPoison, Interaction("a"), Interaction("b"), Interaction("c"));
        var ids = await PeekIdsAsync();

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "delete", "interactions", ids[1], "--yes");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal($"Deleted message {ids[1]} from interactions-poison.", run.OutputLines.Single());
        Assert.Equal(new[] { ids[0], ids[2] }.Order(StringComparer.Ordinal), (await PeekIdsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_OfAnUnknownId_SaysNotFound_AndKeepsEverything()
    {
        await SendAsync(InteractionsPoison, Interaction("a"), Interaction("b"));

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "delete", "interactions", "no-such-id", "--yes");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("Message no-such-id not found in interactions-poison.", run.ErrorLines.Single());
        Assert.Equal(2, (await PeekIdsAsync()).Count);
    }

    [Fact]
    public async Task Delete_WithoutYes_AndNoTerminal_ChangesNothing()
    {
        await SendAsync(InteractionsPoison, Interaction("a"));
        var id = (await PeekIdsAsync()).Single();

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "delete", "interactions", id);

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Contains("Add --yes", run.Error, StringComparison.Ordinal);
        Assert.Equal([id], await PeekIdsAsync());
    }

    [Fact]
    public async Task Purge_CountsFirst_AndNeedsConfirmation()
    {
        await SendAsync(InteractionsPoison, Interaction("a"), Interaction("b"));

        var refused = await OpsRun.RunAsync(Environment, "queues", "poison", "purge", "interactions");
        var dryRun = await OpsRun.RunAsync(Environment, "queues", "poison", "purge", "interactions", "--dry-run");
        var declined = await OpsRun.RunAtTerminalAsync("n\n", Environment, "queues", "poison", "purge", "interactions");

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Equal("Not confirmed: delete all 2 messages from interactions-poison. Add --yes to do it without a prompt, or --dry-run to see what it would do.", refused.ErrorLines.Single());
        Assert.Empty(refused.Output);
        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        Assert.Equal("Dry run: would delete 2 messages from interactions-poison; nothing changed.", dryRun.OutputLines.Single());
        Assert.Equal(ExitCodes.UsageOrConfiguration, declined.ExitCode);
        Assert.StartsWith("Delete all 2 messages from interactions-poison? [y/N]", declined.Error, StringComparison.Ordinal);
        Assert.Equal(2, await DepthAsync(InteractionsPoison));

        var confirmed = await OpsRun.RunAtTerminalAsync("y\n", Environment, "queues", "poison", "purge", "interactions", "--output", "json");

        Assert.True(confirmed.ExitCode == ExitCodes.Ok, confirmed.ToString());
        Assert.Equal(2, confirmed.Json().GetProperty("deleted").GetInt32());
        Assert.False(confirmed.Json().GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, await DepthAsync(InteractionsPoison));
    }

    [Fact]
    public async Task Replay_WithoutYes_OrAsADryRun_MovesNothing_AndWithYesPrintsJson()
    {
        await SendAsync(InteractionsPoison, Interaction("a"), Interaction("b"));

        var refused = await OpsRun.RunAsync(Environment, "queues", "poison", "replay", "interactions");
        var dryRun = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "interactions", "--dry-run");

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Contains("Add --yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal("Dry run: would move 2 messages from interactions-poison to interactions; nothing changed.", dryRun.OutputLines.Single());
        Assert.Equal(2, await DepthAsync(InteractionsPoison));

        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "replay", "interactions", "--yes", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var result = run.Json();
        Assert.Equal(2, result.GetProperty("moved").GetInt32());
        Assert.Equal("interactions-poison", result.GetProperty("from").GetString());
        Assert.Equal("interactions", result.GetProperty("to").GetString());
        Assert.Equal(2, await DepthAsync(Interactions));
    }

    [Fact]
    public async Task Stats_AsJson_ListsEveryWorkQueue()
    {
        await SendAsync(InteractionsPoison, Interaction("a"));

        var run = await OpsRun.RunAsync(Environment, "--output", "json", "queues", "stats");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var queues = run.Json().GetProperty("queues").EnumerateArray().ToList();
        Assert.Equal(QueueNames.Work, queues.Select(queue => queue.GetProperty("name").GetString()));
        Assert.Equal(1, queues[0].GetProperty("poison").GetInt32());
        Assert.Equal(0, queues[0].GetProperty("depth").GetInt32());
    }

    private async Task<List<string>> PeekIdsAsync()
    {
        var run = await OpsRun.RunAsync(Environment, "queues", "poison", "peek", "interactions", "--max", "32", "--output", "json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        return [.. run.Json().GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("id").GetString()!)];
    }

    private static async Task SendAsync(QueueClient queue, params string[] bodies)
    {
        await queue.CreateIfNotExistsAsync();
        foreach (var body in bodies)
        {
            await queue.SendMessageAsync(body);
        }
    }

    private static async Task<int> DepthAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
