using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;
using Serverless.Storage.Queues;
using Serverless.Storage.Status;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Tests;

public sealed class StorageAdapterTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Enqueue_WritesTheEnvelopeBase64Encoded_AsTheHostExpects()
    {
        var queue = new AzureDeferredCommandQueue(azurite.Account);

        await queue.EnqueueAsync(Command(1312345678901234567), DeferredWorkQueue.Interactions, CancellationToken.None);

        // Read with no decoding, as raw storage: the text must be base64, like host.json's messageEncoding.
        var raw = new QueueClient(azurite.Server.ConnectionString, QueueNames.Interactions, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var message = Assert.Single((await raw.ReceiveMessagesAsync(maxMessages: 32)).Value);
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
        Assert.True(InteractionMessageCodec.TryDecode(text, out var decoded, out var problem), problem);
        Assert.Equal(1312345678901234567UL, decoded!.InteractionId);
        Assert.StartsWith("""{"v":1,"kind":"interaction","correlationId":""", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_OnVoice_CreatesTheVoiceQueue_AndWritesTheSameEnvelope()
    {
        var queue = new AzureDeferredCommandQueue(azurite.Account);
        var click = Command(1312345678901234999) with
        {
            Invocation = Command(0).Invocation with { CommandName = "music", Options = new Dictionary<string, string> { ["button"] = "music:skip" } },
        };

        await queue.EnqueueAsync(click, DeferredWorkQueue.Voice, CancellationToken.None);

        var voice = azurite.Account.Queues.GetQueueClient(QueueNames.Voice);
        var message = Assert.Single((await voice.ReceiveMessagesAsync(maxMessages: 32)).Value);
        Assert.True(InteractionMessageCodec.TryDecode(message.Body.ToString(), out var decoded, out var problem), problem);
        Assert.Equal(1312345678901234999UL, decoded!.InteractionId);
        Assert.Equal("music", decoded.Invocation.CommandName);
        Assert.Equal("music:skip", decoded.Invocation.Options["button"]);
        var interactions = azurite.Account.Queues.GetQueueClient(QueueNames.Interactions);
        if (await interactions.ExistsAsync())
        {
            Assert.DoesNotContain((await interactions.PeekMessagesAsync(maxMessages: 32)).Value, m => m.Body.ToString().Contains("1312345678901234999", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Ledger_RemembersCompletedInteractions_FromAFreshTable()
    {
        var ledger = new TableInteractionLedger(azurite.Account, _time);

        Assert.False(await ledger.IsCompletedAsync(42, CancellationToken.None));
        await ledger.MarkCompletedAsync(42, "status", CancellationToken.None);
        await ledger.MarkCompletedAsync(42, "status", CancellationToken.None);

        Assert.True(await ledger.IsCompletedAsync(42, CancellationToken.None));
        Assert.False(await ledger.IsCompletedAsync(43, CancellationToken.None));
    }

    [Fact]
    public async Task StatusProbe_CountsWorkAndPoisonQueues()
    {
        var poison = azurite.Account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Interactions));
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("x");
        await poison.SendMessageAsync("y");

        var status = await new StorageStatusProbe(azurite.Account, TimeProvider.System).CheckAsync(CancellationToken.None);

        Assert.Equal(DependencyState.Ok, status.State);
        Assert.Equal(["interactions", "interactions-poison", "posts", "posts-poison", "voice", "voice-poison", "projections", "projections-poison"], status.Queues.Select(q => q.Queue));
        Assert.Equal(2, status.Queues.Single(q => q.Queue == "interactions-poison").ApproximateCount);
    }

    [Fact]
    public async Task StatusProbe_WhenStorageIsDown_SaysUnreachable()
    {
        var nowhere = StorageAccount.FromConfiguration(Configuration(new()
        {
            [StorageAccount.SettingName] = azurite.Server.ConnectionString.Replace(
                $":{azurite.Server.QueuePort}/", $":{TestSupport.ProcessRunner.FreePort()}/", StringComparison.Ordinal),
        }));

        var status = await new StorageStatusProbe(nowhere, TimeProvider.System).CheckAsync(CancellationToken.None);

        Assert.Equal(DependencyState.Unreachable, status.State);
    }

    [Fact]
    public void AccountName_UsesManagedIdentityEndpoints()
    {
        var account = StorageAccount.FromConfiguration(Configuration(new() { ["AzureWebJobsStorage:accountName"] = "botstorage" }));

        Assert.Equal(new Uri("https://botstorage.queue.core.windows.net/"), account.Queues.Uri);
        Assert.Equal("botstorage", account.Tables.AccountName);
    }

    [Theory]
    [InlineData(null, null, typeof(Azure.Identity.DefaultAzureCredential))]
    [InlineData("managedidentity", null, typeof(Azure.Identity.ManagedIdentityCredential))]
    [InlineData("ManagedIdentity", null, typeof(Azure.Identity.ManagedIdentityCredential))]
    [InlineData(null, "00000000-0000-0000-0000-000000000001", typeof(Azure.Identity.ManagedIdentityCredential))]
    [InlineData("managedidentity", "00000000-0000-0000-0000-000000000001", typeof(Azure.Identity.ManagedIdentityCredential))]
    public void AccountName_TheAppsIdentityWhenConfigured_ElseWhoeverIsSignedIn(string? credential, string? clientId, Type expected)
    {
        var options = StorageOptions.From(Configuration(new() { ["AzureWebJobsStorage:accountName"] = "botstorage", ["AzureWebJobsStorage:credential"] = credential, ["AzureWebJobsStorage:clientId"] = clientId }));

        Assert.IsType(expected, StorageAccount.CreateCredential(options));
    }

    [Fact]
    public void MissingSetting_NamesIt()
    {
        var exception = Assert.Throws<StorageConfigurationException>(() => StorageAccount.FromConfiguration(Configuration(new())));

        Assert.StartsWith("AzureWebJobsStorage is missing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ReadTheSection_AndTheValidatorNamesAMissingSetting()
    {
        var options = StorageOptions.From(Configuration(new() { ["AzureWebJobsStorage:accountName"] = "botstorage", ["AzureWebJobsStorage:clientId"] = "id" }));
        Assert.Equal("botstorage", options.AccountName);
        Assert.Equal("id", options.ClientId);
        Assert.Null(options.ConnectionString);
        Assert.True(new StorageOptionsValidator().Validate(null, options).Succeeded);

        var missing = new StorageOptionsValidator().Validate(null, StorageOptions.From(Configuration(new())));
        Assert.StartsWith("AzureWebJobsStorage is missing", Assert.Single(missing.Failures!), StringComparison.Ordinal);

        var malformed = new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = "not a connection string" });
        Assert.StartsWith("AzureWebJobsStorage is malformed", Assert.Single(malformed.Failures!), StringComparison.Ordinal);
    }

    private DeferredCommand Command(ulong interactionId) => new()
    {
        InteractionId = interactionId,
        ApplicationId = 100000000000000001,
        InteractionToken = "token",
        EnqueuedAt = _time.GetUtcNow(),
        Invocation = new CommandInvocation
        {
            CommandName = "status",
            CorrelationId = "abc",
            GuildId = 900000000000000001,
            Options = new Dictionary<string, string> { ["verbose"] = "true" },
        },
    };

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
