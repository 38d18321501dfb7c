using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
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
        services.AddSingleton<IVoiceGatewaySender, RecordingVoiceGatewaySender>();
        services.AddSingleton<ILavalinkPlayers, RecordingLavalinkPlayers>();
        services.AddDiscordRest(configuration);
        services.AddCompanionVoice(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
