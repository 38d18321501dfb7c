using System.Globalization;
using Azure.Storage.Queues;
using Serverless.Storage.Queues;
using Serverless.TestSupport;

namespace Serverless.Ops.Tests;

public sealed class QueuesCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    private QueueClient Posts => azurite.Account.Queues.GetQueueClient(QueueNames.Posts);

    private QueueClient PostsPoison => azurite.Account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Posts));

    /// <summary>Every test starts with no queues at all, as a fresh account does.</summary>
    public async Task InitializeAsync()
    {
        foreach (var queue in QueueNames.Work.SelectMany(queue => new[] { queue, QueueNames.Poison(queue) }))
        {
            await azurite.Account.Queues.GetQueueClient(queue).DeleteIfExistsAsync();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stats_ShowsDepthAndPoisonDepth_AndZeroForQueuesNotCreated()
    {
        await SendAsync(Posts, "a", "b", "c");
        await SendAsync(PostsPoison, "x", "y");
        await SendAsync(azurite.Account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Voice)), "v");

        var run = await OpsRun.RunAsync(Environment, "queues", "stats");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            [
                "queue         depth  poison",
                "interactions      0       0",
                "posts             3       2",
                "voice             0       1",
                "projections       0       0",
            ],
            run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task ReplayPoison_MovesAtMostMax_WithBodiesUnchanged_ThenTheRest_ThenNothing()
    {
        string[] bodies = ["""{"v":1,"kind":"post","postId":"p1"}""", """{"v":1,"kind":"post","postId":"p2","text":"héllo ✓"}""", "not json at all"];
        await SendAsync(PostsPoison, bodies);

        var first = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts", "--max", "2");

        Assert.True(first.ExitCode == ExitCodes.Ok, first.ToString());
        Assert.Equal("Moved 2 messages from posts-poison to posts.", first.OutputLines.Single());
        Assert.Equal(2, await DepthAsync(Posts));
        Assert.Equal(1, await DepthAsync(PostsPoison));

        var second = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts");

        Assert.True(second.ExitCode == ExitCodes.Ok, second.ToString());
        Assert.Equal("Moved 1 message from posts-poison to posts.", second.OutputLines.Single());
        Assert.Equal(bodies.Order(StringComparer.Ordinal), (await ReceiveAllAsync(Posts)).Order(StringComparer.Ordinal));

        var third = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts");

        Assert.True(third.ExitCode == ExitCodes.Ok, third.ToString());
        Assert.Equal("Nothing to replay: posts-poison is empty.", third.OutputLines.Single());
    }

    [Fact]
    public async Task ReplayPoison_MovesTextThatIsNotBase64_AsStored()
    {
        // A producer that forgot the base64 encoding: the host cannot decode it, so it ends in poison as is.
        var rawPoison = azurite.Account.VerbatimQueues.GetQueueClient(QueueNames.Poison(QueueNames.Posts));
        await rawPoison.CreateIfNotExistsAsync();
        await rawPoison.SendMessageAsync("""{"kind":"post","postId":"raw"}""");
        await rawPoison.SendMessageAsync("aGVsbG8=");

        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("Moved 2 messages from posts-poison to posts.", run.OutputLines.Single());
        var moved = (await azurite.Account.VerbatimQueues.GetQueueClient(QueueNames.Posts).ReceiveMessagesAsync(maxMessages: 32)).Value;
        Assert.Equal(["aGVsbG8=", """{"kind":"post","postId":"raw"}"""], moved.Select(message => message.Body.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReplayPoison_WhenThePoisonQueueDoesNotExist_HasNothingToReplay()
    {
        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "interactions");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("Nothing to replay: interactions-poison is empty.", run.OutputLines.Single());
    }

    [Fact]
    public async Task ReplayPoison_ReportsProgressEveryFiftyMessagesOnStderr_AndOnlyTheResultOnStdout()
    {
        await SendAsync(PostsPoison, [.. Enumerable.Range(0, 60).Select(i => i.ToString(CultureInfo.InvariantCulture))]);

        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(["Moved 60 messages from posts-poison to posts."], run.OutputLines);
        Assert.Equal(["moved 50/60"], run.ErrorLines);
        Assert.Equal(60, (await ReceiveAllAsync(Posts)).Count);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("posts-poison-poison")]
    [InlineData("Posts")]
    public async Task ReplayPoison_UnknownQueue_ExitsTwoListingTheKnownQueues(string queue)
    {
        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", queue);

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal(
            $"Unknown queue '{queue}': use one of interactions, posts, voice, projections, interactions-poison, posts-poison, voice-poison, projections-poison.",
            run.ErrorLines.Single());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task ReplayPoison_ThePoisonQueueName_MeansItsWorkQueue()
    {
        await SendAsync(PostsPoison, "a");

        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts-poison");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("Moved 1 message from posts-poison to posts.", run.OutputLines.Single());
    }

    [Fact]
    public async Task ReplayPoison_MaxBelowOne_ExitsTwo()
    {
        var run = await OpsRun.RunAsync(Environment, "queues", "replay-poison", "--yes", "posts", "--max", "0");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Equal("--max must be at least 1, not 0.", run.ErrorLines.Single());
    }

    [Fact]
    public async Task MissingStorageSetting_ExitsTwoNamingIt()
    {
        var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), "queues", "stats");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith("AzureWebJobsStorage is missing", run.ErrorLines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableStorage_ExitsThreeInOneLine_WithoutTheKey()
    {
        var environment = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.Server.ConnectionString.Replace(
                $":{azurite.Server.QueuePort}/", $":{ProcessRunner.FreePort()}/", StringComparison.Ordinal),
        };

        var run = await OpsRun.RunAsync(environment, "queues", "stats");

        Assert.Equal(ExitCodes.ServiceOrNetwork, run.ExitCode);
        Assert.StartsWith("Cannot reach storage: ", run.ErrorLines.Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", run.Output + run.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SettingsFile_SuppliesTheConnectionString_BeforeOrAfterTheSubcommand(bool settingsFirst)
    {
        var settings = Path.Combine(Path.GetTempPath(), $"ops-tests-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, $$$"""{"Values":{"AzureWebJobsStorage":"{{{azurite.Server.ConnectionString}}}"}}""");
        try
        {
            string[] args = settingsFirst ? ["--settings", settings, "queues", "stats"] : ["queues", "stats", "--settings", settings];
            var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), args);

            Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        }
        finally
        {
            File.Delete(settings);
        }
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

    /// <summary>The decoded text of every message, read through the same base64 encoding the host uses.</summary>
    private static async Task<List<string>> ReceiveAllAsync(QueueClient queue)
    {
        var texts = new List<string>();
        while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                texts.Add(message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return texts;
    }
}
