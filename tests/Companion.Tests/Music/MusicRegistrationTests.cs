using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Music;
using Serverless.Companion.Voice;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Permissions;

namespace Serverless.Companion.Tests.Music;

public sealed class MusicRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ILavalinkPlayers>(new FakeLavalinkPlayers());
        services.AddSingleton<IVoiceConnections>(new FakeVoiceConnections());
        services.AddSingleton<IMusicSessionStore>(new InMemoryMusicSessionStore());
        services.AddSingleton<IInteractionResponder>(new RecordingResponder());
        services.AddSingleton<IMusicTextChannel>(new RecordingTextChannel());
        services.AddSingleton<IVoicePermissionCheck>(new ScriptedVoicePermissionCheck());
        services.AddMusic(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddMusic_WiresTheHandlerAndTheCoordinatorAsLavalinksEventHandler_ReadingMusicSettings()
    {
        using var provider = Build(new() { ["Music:IdleTimeout"] = "00:05:00", ["Music:SearchPrefix"] = "scsearch:" });

        Assert.NotNull(provider.GetRequiredService<MusicCommandHandler>());
        Assert.Same(provider.GetRequiredService<MusicPlaybackCoordinator>(), provider.GetRequiredService<ILavalinkEventHandler>());
        var options = provider.GetRequiredService<IOptions<MusicOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(5), "scsearch:"), (options.IdleTimeout, options.SearchPrefix));
    }

    [Fact]
    public void BadSettings_FailNamingTheKey()
    {
        using var provider = Build(new() { ["Music:IdleTimeout"] = "00:00:01", ["Music:SearchPrefix"] = "yt", ["Music:AllowedUrlHosts"] = "youtube.com, https://soundcloud.com" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MusicOptions>>().Value);
        Assert.Contains(failure.Failures, message => message.StartsWith("Music__IdleTimeout", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.StartsWith("Music__SearchPrefix", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.StartsWith("Music__AllowedUrlHosts", StringComparison.Ordinal) && message.Contains("https://soundcloud.com", StringComparison.Ordinal));
    }
}
