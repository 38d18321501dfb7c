using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Companion.Health;
using Serverless.Companion.Hosting;
using Serverless.Domain.Commands;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests;

/// <summary>The composition root and the container image, checked without starting anything.</summary>
public sealed class CompanionProjectTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Discord:ApplicationId"] = "100000000000000001",
        ["Discord:BotToken"] = "test-token",
        ["Lavalink:Url"] = "http://127.0.0.1:2333",
        ["Lavalink:Password"] = "youshallnotpass",
    };

    [Fact]
    public void EveryHostedServiceAndTheHealthSource_Resolve_FromACompleteConfiguration()
    {
        using var provider = Services(Complete);

        Assert.Empty(CompanionApp.ValidateConfiguration(provider));
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Contains(hosted, service => service is Companion.Leadership.CompanionLeadership);
        // What holds the gateway, consumes voice or speaks as the bot runs only under the lease, never on a standby.
        var active = provider.GetRequiredService<Companion.Leadership.ActiveWork>().Services;
        Assert.Contains(active, service => service is GatewayRunner);
        Assert.Contains(active, service => service is Companion.VoiceQueue.VoiceQueueConsumer);
        Assert.Contains(active, service => service is HeartbeatWriter);
        Assert.Contains(active, service => service.GetType().Name == "LavalinkConnectionService");
        Assert.Contains(active, service => service is Companion.Controls.BlockedGuildVoiceLeaver);
        Assert.DoesNotContain(hosted, service => active.Contains(service) || service.GetType().Name == "LavalinkConnectionService");
        Assert.NotNull(provider.GetRequiredService<ICompanionHealthSource>().Current());
    }

    [Fact]
    public void LavalinkMetrics_CountPlayersFromTheMusicSessions()
    {
        using var provider = Services(Complete);

        Assert.NotNull(provider.GetRequiredService<Companion.Lavalink.LavalinkMetrics>());
        Assert.Same(
            provider.GetRequiredService<Companion.Music.MusicSessionRepository>(),
            provider.GetRequiredService<Companion.Lavalink.IPlayingPlayerCount>());
    }

    [Fact]
    public void MissingSettings_AreNamed()
    {
        using var provider = Services(new Dictionary<string, string?> { ["Lavalink:Url"] = "http://127.0.0.1:2333" });

        var failures = CompanionApp.ValidateConfiguration(provider);

        Assert.Contains(failures, failure => failure.Contains("AzureWebJobsStorage", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.Contains("Discord__BotToken", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.Contains("Lavalink__Password", StringComparison.Ordinal));
    }

    [Fact]
    public void AFeatureWhoseButtonPrefixOverlapsMusics_StopsTheCompanionAtStart_NamingBoth()
    {
        // Registered first, so the companion's own catalog registration (TryAdd) leaves this one in place.
        IFeatureModule[] features = [.. CommandCatalog.Features, new JukeboxFeature()];
        using var provider = Services(Complete, services => services.AddFeatureCatalog(features));

        var failure = Assert.Single(CompanionApp.ValidateConfiguration(provider));

        Assert.Equal("Features 'music' and 'jukebox' clash: the button prefix 'music:queue' of 'jukebox' overlaps the button prefix 'music:' of 'music'.", failure);
    }

    [Fact]
    public void TheImage_RunsAsANonRootUser()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Dockerfile"));
        var finalStage = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];

        var user = Assert.Single(Regex.Matches(finalStage, @"^USER\s+(\S+)", RegexOptions.Multiline)).Groups[1].Value;
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", user);
    }

    [Fact]
    public void TheImage_CopiesEveryProjectTheCompanionBuildsFrom()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Dockerfile"));

        foreach (var project in ProjectClosure(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Serverless.Companion.csproj")))
        {
            var folder = Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(project)!).Replace('\\', '/');
            Assert.Contains($"COPY {folder}/ {folder}/", dockerfile, StringComparison.Ordinal);
        }
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, Action<IServiceCollection>? addFirst = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        addFirst?.Invoke(services);
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCompanionServices(configuration);
        return services.BuildServiceProvider();
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value)));
            }
        }

        return found;
    }

    /// <summary>Claims buttons under music's prefix: the two features clash.</summary>
    private sealed class JukeboxFeature : IFeatureModule
    {
        public string Name => "jukebox";

        public void Register(FeatureBuilder feature) => feature.AddCompanionComponent("music:queue");
    }
}
