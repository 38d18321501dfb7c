using Microsoft.Extensions.DependencyInjection;
using Serverless.Companion.VoiceQueue;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Tests.VoiceQueue;

/// <summary>The companion runs <c>voice</c> work through the feature table the Functions endpoint queued it by.</summary>
public sealed class VoiceWorkRouterTests
{
    private readonly RecordingHandler _music = new();
    private readonly RecordingHandler _jukebox = new();

    [Fact]
    public async Task MusicCommandsAndButtons_GoToTheHandlerRegisteredUnderTheFeaturesName()
    {
        var router = Router(CommandCatalog.Features);

        await router.HandleAsync(Work("music", ("subcommand", "skip")), CancellationToken.None);
        await router.HandleAsync(Work("music", (InteractionRoute.ComponentOption, MusicCommand.Buttons.Pause)), CancellationToken.None);

        Assert.Equal(2, _music.Handled.Count);
        Assert.Empty(_jukebox.Handled);
    }

    [Fact]
    public async Task AnotherVoiceFeature_IsFoundByItsOwnRoutes()
    {
        var router = Router([.. CommandCatalog.Features, new JukeboxFeature()]);

        await router.HandleAsync(Work("jukebox", (InteractionRoute.ComponentOption, "jukebox:next")), CancellationToken.None);

        Assert.Single(_jukebox.Handled);
        Assert.Empty(_music.Handled);
    }

    [Theory]
    [InlineData("gone")]
    [InlineData("status")]
    public async Task WorkNoVoiceFeatureOwns_Throws_SoItIsRetriedThenParked(string command)
    {
        var router = Router(CommandCatalog.Features);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => router.HandleAsync(Work(command), CancellationToken.None));

        Assert.Contains($"/{command}", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_music.Handled);
    }

    private VoiceWorkRouter Router(IEnumerable<IFeatureModule> features)
    {
        var services = new ServiceCollection();
        services.AddSingleton(_music).AddVoiceWork<RecordingHandler>(MusicCommand.Name);
        services.AddKeyedSingleton<IVoiceWorkHandler>("jukebox", _jukebox);
        var provider = services.BuildServiceProvider();
        return new VoiceWorkRouter(FeatureCatalog.From(features), provider);
    }

    private static DeferredCommand Work(string command, params (string Name, string Value)[] options) => new()
    {
        Invocation = new CommandInvocation
        {
            CommandName = command,
            CorrelationId = "c",
            GuildId = 1,
            Options = options.ToDictionary(option => option.Name, option => option.Value, StringComparer.Ordinal),
        },
        InteractionId = 2,
        ApplicationId = 3,
        InteractionToken = "t",
        EnqueuedAt = DateTimeOffset.UnixEpoch,
    };

    private sealed class RecordingHandler : IVoiceWorkHandler
    {
        public List<DeferredCommand> Handled { get; } = [];

        public Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
        {
            Handled.Add(command);
            return Task.CompletedTask;
        }
    }

    private sealed class JukeboxFeature : IFeatureModule
    {
        public string Name => "jukebox";

        public void Register(FeatureBuilder feature) => feature.AddCompanionComponent("jukebox:");
    }
}
