using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Commands;
using Serverless.Domain.Commands;
using Serverless.Functions.Hosting;
using Serverless.Functions.Interactions;
using Serverless.Functions.Tests.Support;
using Serverless.Storage.Queues;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Features.Wave;

/// <summary>
/// A new feature (<see cref="WaveFeature"/>: a slash command, a button and a deferred step, with an option), registered
/// with one line, is in the manifest and <c>/help</c>, is answered by the endpoint, its queued work is run by the worker
/// with its option bound from the app's configuration, and a bad option value stops the app at start.
/// </summary>
public sealed class AddingAFeatureTests : IAsyncLifetime
{
    private const string Token = "d2F2ZS10b2tlbg";
    private const ulong UserId = 80351110224678912;
    private readonly RecordingDeferredQueue _queue = new();
    private readonly InMemoryLedger _ledger = new();
    private readonly CannedDiscordHandler _discord = new();
    private FunctionTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _discord.Answer("PATCH", "/messages/@original", HttpStatusCode.OK, """{"id":"1400000000000000001","channel_id":"900000000000000002","content":"done"}""");
        _host = await FunctionTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Discord:BotToken"] = "test-bot-token",
                ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10",
                ["Wave:Greeting"] = "waves hello",
            },
            (services, configuration) =>
            {
                services.AddFeature(new WaveFeature(), configuration);

                services.AddSingleton<IDeferredCommandQueue>(_queue);
                services.AddSingleton<IInteractionLedger>(_ledger);
                services.AddHttpClient("discord").ConfigurePrimaryHttpMessageHandler(() => _discord);
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _discord.Dispose();
    }

    [Fact]
    public void Manifest_HasTheNewCommand_AfterTheBotsOwn()
    {
        var catalog = _host.App.Services.GetRequiredService<FeatureCatalog>();

        var manifest = CommandManifest.Create(catalog.Commands);

        Assert.Equal([.. CommandCatalog.Definitions.Select(definition => definition.Name), WaveCommand.Name], manifest.Select(command => command.Name));
        Assert.Equal("Wave at the channel", manifest[^1].Description);
        Assert.Empty(CommandManifest.Validate(manifest));
    }

    [Fact]
    public async Task Help_ListsTheNewCommand()
    {
        using var response = await _host.SendSignedAsync(Command("help"));

        var content = (await ReadJsonAsync(response)).GetProperty("data").GetProperty("content").GetString();
        Assert.EndsWith("`/wave` — Wave at the channel", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlashCommand_IsDeferredWithType5_ThenTheWorkerRunsItAndEditsTheAnswer()
    {
        using var response = await _host.SendSignedAsync(Command(WaveCommand.Name));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(DeferredWorkQueue.Interactions, Assert.Single(_queue.Targets));
        var queued = Assert.Single(_queue.Enqueued);
        Assert.Equal(WaveCommand.Name, queued.Invocation.CommandName);

        await RunWorkerAsync(queued);

        Assert.Equal($"<@{UserId}> waves hello.", EditedContent());
        Assert.Equal(WaveCommand.Name, _ledger.Completed[queued.InteractionId]);
    }

    [Fact]
    public async Task ButtonClick_IsRoutedToTheFeature_AcknowledgedType6_AndRunByTheWorker()
    {
        using var response = await _host.SendSignedAsync(Button(WaveAgainButton.Again));

        Assert.Equal("""{"type":6}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(DeferredWorkQueue.Interactions, Assert.Single(_queue.Targets));
        var queued = Assert.Single(_queue.Enqueued);
        Assert.Equal(WaveCommand.Name, queued.Invocation.CommandName);
        Assert.Equal(WaveAgainButton.Again, queued.Invocation.Options[InteractionRoute.ComponentOption]);

        await RunWorkerAsync(queued);

        Assert.Equal($"<@{UserId}> waves again (wave:again).", EditedContent());
    }

    [Fact]
    public async Task ButtonOfAnotherPrefix_IsNotTheFeatures()
    {
        using var response = await _host.SendSignedAsync(Button("wav:again"));

        Assert.Contains("no longer in use", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_queue.Enqueued);
    }

    [Fact]
    public void TheReadmesExample_IsThisFeaturesCode()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var section = readme[readme.IndexOf("### Adding a feature", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var example = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var code = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Functions.Tests", "Features", "Wave", "WaveFeature.cs")).ReplaceLineEndings("\n");

        Assert.Contains("feature.AddOptions<WaveOptions, WaveOptionsValidator>()", example, StringComparison.Ordinal);
        Assert.Contains(example, code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("waves with a greeting far too long to fit on one line of the channel, which the validator refuses at start")]
    public async Task BadOption_StopsTheAppAtStart_NamingTheSetting(string greeting)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = FunctionTestHost.ApplicationId,
            ["Discord:PublicKey"] = _host.Signer.PublicKeyHex,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Wave:Greeting"] = greeting,
        }).Build();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddFunctionApp(configuration)
            .AddFeature(new WaveFeature(), configuration)
            .BuildServiceProvider();

        Assert.Equal(["Wave__Greeting must be 1 to 100 characters."], FunctionAppServices.ValidateConfiguration(services));
    }

    private Task RunWorkerAsync(DeferredCommand queued) =>
        _host.RunAsync<InteractionWorkerFunction>(function => function.RunAsync(InteractionMessageCodec.Encode(queued), CancellationToken.None));

    private string? EditedContent()
    {
        var edit = Assert.Single(_discord.Requests, request => request.Method == HttpMethod.Patch);
        Assert.Equal($"/api/v10/webhooks/{FunctionTestHost.ApplicationId}/{Token}/messages/@original", edit.Path);
        using var body = JsonDocument.Parse(edit.Body!);
        return body.RootElement.GetProperty("content").GetString();
    }

    /// <summary>An interaction id minted now on the host's clock, so the worker's token deadline holds.</summary>
    private string InteractionId() =>
        ((ulong)(_host.Time.GetUtcNow().ToUnixTimeMilliseconds() - 1420070400000) << 22).ToString(CultureInfo.InvariantCulture);

    private string Command(string name) =>
        $$$"""{"type":2,"id":"{{{InteractionId()}}}","application_id":"{{{FunctionTestHost.ApplicationId}}}","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{Token}}}","version":1,"member":{"user":{"id":"{{{UserId}}}","username":"nelly"},"permissions":"0"},"data":{"id":"7","name":"{{{name}}}","type":1}}""";

    private string Button(string customId) =>
        $$$"""{"type":3,"id":"{{{InteractionId()}}}","application_id":"{{{FunctionTestHost.ApplicationId}}}","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"{{{Token}}}","version":1,"member":{"user":{"id":"{{{UserId}}}","username":"nelly"},"permissions":"0"},"message":{"id":"900000000000000099"},"data":{"custom_id":"{{{customId}}}","component_type":2}}""";

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
