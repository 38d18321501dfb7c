using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Discord.Gateway;
using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Hosting;

namespace Serverless.Companion.Tests.Voice;

public sealed class VoiceRegistrationTests
{
    [Fact]
    public void AddCompanionVoice_GivesOneCoordinatorBehindBothInterfacesWithTheConfiguredTimeout()
    {
        using var provider = BuildProvider(new Dictionary<string, string?> { ["Companion:Voice:ConnectTimeout"] = "00:00:07" });

        var coordinator = provider.GetRequiredService<VoiceConnectionCoordinator>();
        Assert.Same(coordinator, provider.GetRequiredService<IVoiceConnections>());
        Assert.Same(coordinator, provider.GetRequiredService<IVoiceConnectionEvents>());
        Assert.Equal(TimeSpan.FromSeconds(7), provider.GetRequiredService<IOptions<VoiceOptions>>().Value.ConnectTimeout);
    }

    [Fact]
    public async Task AddCompanionVoice_MakesTheCoordinatorTheHandlerOfEveryVoiceEvent()
    {
        using var provider = BuildProvider([]);
        var coordinator = provider.GetRequiredService<VoiceConnectionCoordinator>();
        var dispatcher = new GatewayEventDispatcher(
            provider.GetServices<IGatewayEventHandler<GatewayReady>>(),
            provider.GetServices<IGatewayEventHandler<GatewayGuildCreate>>(),
            provider.GetServices<IGatewayEventHandler<GatewayGuildDelete>>(),
            provider.GetServices<IGatewayEventHandler<GatewayVoiceStateUpdate>>(),
            provider.GetServices<IGatewayEventHandler<GatewayVoiceServerUpdate>>(),
            provider.GetRequiredService<ILogger<GatewayEventDispatcher>>());

        await dispatcher.HandleAsync(new GatewayDispatch(0, "READY", 1, VoiceDispatches.Ready(VoiceHarness.BotUserId)), CancellationToken.None);
        await dispatcher.HandleAsync(new GatewayDispatch(0, "GUILD_CREATE", 2, VoiceDispatches.Json("""{"id":"100","voice_states":[{"user_id":"5","channel_id":"200"}]}""")), CancellationToken.None);
        await dispatcher.HandleAsync(new GatewayDispatch(0, "VOICE_STATE_UPDATE", 3, VoiceDispatches.VoiceState(100, VoiceHarness.BotUserId, 200, isBot: true)), CancellationToken.None);

        Assert.Equal(200UL, coordinator.BotChannel(100));
        Assert.Equal(1, coordinator.CountListeners(100, 200));
        await dispatcher.HandleAsync(new GatewayDispatch(0, "GUILD_DELETE", 4, VoiceDispatches.GuildDelete(100, unavailable: false)), CancellationToken.None);
        Assert.Null(coordinator.BotChannel(100));
        Assert.Single(provider.GetServices<IGatewayEventHandler<GatewayVoiceServerUpdate>>());
    }

    [Fact]
    public void AddCompanionVoice_DefaultsTheTimeoutToTenSeconds()
    {
        using var provider = BuildProvider([]);

        Assert.Equal(TimeSpan.FromSeconds(10), provider.GetRequiredService<IOptions<VoiceOptions>>().Value.ConnectTimeout);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("00:10:00")]
    public void AnUnusableTimeout_FailsNamingTheSetting(string timeout)
    {
        using var provider = BuildProvider(new Dictionary<string, string?> { ["Companion:Voice:ConnectTimeout"] = timeout });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VoiceOptions>>().Value);
        Assert.Contains("Companion__Voice__ConnectTimeout", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IGatewayCommandSender, RecordingGatewayCommandSender>();
        services.AddSingleton<ILavalinkPlayers, RecordingLavalinkPlayers>();
        services.AddDiscordRest(configuration);
        services.AddCompanionVoice(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
