using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.VoiceQueue;
using Serverless.Discord.Hosting;
using Serverless.Discord.Permissions;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Hosting;
using Serverless.Domain.Permissions;

namespace Serverless.Companion.Music;

public static class MusicServiceCollectionExtensions
{
    /// <summary>
    /// The music worker: options from <c>Music__*</c>, the per-guild serial executor, playback, the command handler and the
    /// Lavalink event handler, and the Discord adapters of its ports. Needs from elsewhere: <see cref="ILavalinkPlayers"/>,
    /// <c>IVoiceConnections</c>, <c>IMusicSessionStore</c> (AddStorage), <see cref="DiscordRestClient"/> (AddDiscordRest)
    /// and a <see cref="TimeProvider"/>. Every piece is TryAdd'ed so tests and hosts can replace it.
    /// </summary>
    public static IServiceCollection AddMusic(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MusicOptions>().Bind(configuration.GetSection(MusicOptions.SectionName)).ValidateOnStartWith<MusicOptions, MusicOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GuildSerialExecutor>();
        services.TryAddSingleton<MusicSessionRepository>();
        services.TryAddSingleton<IPlayingPlayerCount>(provider => provider.GetRequiredService<MusicSessionRepository>());
        services.TryAddSingleton<NowPlayingMessage>();
        services.TryAddSingleton<MusicPlayback>();
        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<TrackLinkPolicy>();
        services.TryAddSingleton<MusicCommandHandler>();
        services.AddVoiceWork<MusicCommandHandler>(MusicCommand.Name);
        services.TryAddSingleton<MusicPlaybackCoordinator>();
        services.TryAddSingleton<ILavalinkEventHandler>(provider => provider.GetRequiredService<MusicPlaybackCoordinator>());
        services.TryAddSingleton<IInteractionResponder, DiscordInteractionResponder>();
        services.TryAddSingleton<IMusicTextChannel, DiscordMusicTextChannel>();
        services.TryAddSingleton<BotChannelPermissions>();
        services.TryAddSingleton<IVoicePermissionCheck>(provider => provider.GetRequiredService<BotChannelPermissions>());
        return services;
    }
}
