using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Music;
using Serverless.Companion.Voice;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Permissions;

namespace Serverless.Companion.Tests.Music;

/// <summary>The music worker wired to fakes of Lavalink, Discord voice, storage and Discord messages, on a fake clock.</summary>
internal sealed class MusicHarness : IDisposable
{
    public const ulong Guild = 900;
    public const ulong VoiceChannel = 500;
    public const ulong TextChannel = 600;
    public const ulong User = 42;

    private int _interactions;

    public MusicHarness(Action<MusicOptions>? configure = null)
    {
        configure?.Invoke(Options);
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Repository = new MusicSessionRepository(Store);
        var nowPlaying = new NowPlayingMessage(Channel, Repository, options, Time, NullLogger<NowPlayingMessage>.Instance);
        Playback = new MusicPlayback(new GuildSerialExecutor(), Repository, Lavalink, Voice, nowPlaying, options, Time, NullLogger<MusicPlayback>.Instance);
        Handler = new MusicCommandHandler(Playback, Lavalink, Voice, Permissions, Responder, new TrackLinkPolicy(Hosts, options, Time), options, Time, NullLogger<MusicCommandHandler>.Instance) { Random = new Random(11) };
        Coordinator = new MusicPlaybackCoordinator(Playback, Voice, Channel, options, Time, NullLogger<MusicPlaybackCoordinator>.Instance);
        Voice.UserChannels[User] = VoiceChannel;
        Voice.Listeners[VoiceChannel] = 1;
    }

    public MusicOptions Options { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public FakeLavalinkPlayers Lavalink { get; } = new();

    public FakeVoiceConnections Voice { get; } = new();

    public InMemoryMusicSessionStore Store { get; } = new();

    public RecordingResponder Responder { get; } = new();

    public RecordingTextChannel Channel { get; } = new();

    public ScriptedVoicePermissionCheck Permissions { get; } = new();

    /// <summary>DNS for links: <c>example.test</c> is a public (documentation) address; unknown names do not resolve.</summary>
    public FakeHostResolver Hosts { get; } = new() { ["example.test"] = [System.Net.IPAddress.Parse("203.0.113.7")] };

    public MusicSessionRepository Repository { get; }

    public MusicPlayback Playback { get; }

    public MusicCommandHandler Handler { get; }

    public MusicPlaybackCoordinator Coordinator { get; }

    /// <summary>Runs a <c>/music</c> subcommand as <see cref="User"/> and returns what @original was edited to (null: not edited).</summary>
    public async Task<string?> RunAsync(string subcommand, params (string Name, string Value)[] options)
    {
        var values = options.ToDictionary(option => option.Name, option => option.Value);
        values["subcommand"] = subcommand;
        return await SendAsync(values);
    }

    public async Task<string?> ClickAsync(string customId) =>
        await SendAsync(new Dictionary<string, string> { [InteractionRoute.ComponentOption] = customId });

    public Task<string?> PlayAsync(string query) => RunAsync("play", ("query", query));

    public Task EndAsync(string reason) =>
        Coordinator.OnEventAsync(new TrackEndEvent(Guild, Lavalink.Playing!, reason), CancellationToken.None);

    public async Task<MusicSession?> SessionAsync() => (await Store.GetAsync(Guild, CancellationToken.None))?.Session;

    public void Dispose() => Playback.Dispose();

    private async Task<string?> SendAsync(Dictionary<string, string> values)
    {
        var before = Responder.Edits.Count;
        var id = Interlocked.Increment(ref _interactions);
        await Handler.HandleAsync(new DeferredCommand
        {
            Invocation = new CommandInvocation
            {
                CommandName = MusicCommand.Name,
                CorrelationId = "corr-" + id,
                GuildId = Guild,
                ChannelId = TextChannel,
                UserId = User,
                Options = values,
            },
            InteractionId = (ulong)id,
            ApplicationId = 1,
            InteractionToken = "token-" + id,
            EnqueuedAt = Time.GetUtcNow(),
        }, CancellationToken.None);
        return Responder.Edits.Count > before ? Responder.Edits[^1] : null;
    }
}

internal sealed class FakeLavalinkPlayers : ILavalinkPlayers
{
    public bool IsAvailable { get; set; } = true;

    public List<string> Loaded { get; } = [];

    public List<LavalinkPlayerUpdate> Updates { get; } = [];

    public List<ulong> Destroyed { get; } = [];

    /// <summary>Raised after each player update, with the guild: lets a test wait for work running elsewhere.</summary>
    public event Action<ulong, LavalinkPlayerUpdate>? Updated;

    public Dictionary<string, LoadResult> Results { get; } = [];

    public Exception? FailUpdatesWith { get; set; }

    /// <summary>The track the last update started (stops leave it null).</summary>
    public LavalinkTrack? Playing { get; private set; }

    public IEnumerable<string> Started => Updates.Where(update => update.EncodedTrack is not null).Select(update => update.EncodedTrack!);

    public static LavalinkTrack Track(string name, long lengthMs = 205_000) =>
        new("enc-" + name, new LavalinkTrackInfo(name, name, "Author " + name, lengthMs, true, false, 0, "https://example.test/" + name, null, null, "youtube"));

    public Task<LoadResult> LoadTracksAsync(string identifier, CancellationToken cancellationToken)
    {
        Loaded.Add(identifier);
        if (Results.TryGetValue(identifier, out var result))
        {
            return Task.FromResult(result);
        }

        var name = identifier.StartsWith("ytsearch:", StringComparison.Ordinal) ? identifier["ytsearch:".Length..] : identifier;
        return Task.FromResult(new LoadResult(LoadResultType.Search, [Track(name), Track(name + "-second-hit")]));
    }

    public Task<LavalinkPlayer> UpdatePlayerAsync(ulong guildId, LavalinkPlayerUpdate update, bool noReplace, CancellationToken cancellationToken)
    {
        if (FailUpdatesWith is { } failure)
        {
            throw failure;
        }

        Updates.Add(update);
        if (update.EncodedTrack is { } encoded)
        {
            Playing = Track(encoded["enc-".Length..]);
        }
        else if (update.StopTrack)
        {
            Playing = null;
        }

        Updated?.Invoke(guildId, update);
        return Task.FromResult(new LavalinkPlayer(guildId, Playing, update.Volume ?? 100, update.Paused ?? false, new LavalinkPlayerState(DateTimeOffset.UnixEpoch, 0, true, 1)));
    }

    public Task<LavalinkPlayer?> GetPlayerAsync(ulong guildId, CancellationToken cancellationToken) => Task.FromResult<LavalinkPlayer?>(null);

    public Task DestroyPlayerAsync(ulong guildId, CancellationToken cancellationToken)
    {
        Destroyed.Add(guildId);
        return Task.CompletedTask;
    }
}

internal sealed class FakeVoiceConnections : IVoiceConnections
{
    public Dictionary<ulong, ulong> UserChannels { get; } = [];

    public Dictionary<ulong, int> Listeners { get; } = [];

    public Dictionary<ulong, ulong> BotChannels { get; } = [];

    public List<(ulong Guild, ulong Channel)> Connects { get; } = [];

    public List<ulong> Disconnects { get; } = [];

    public ulong? FindUserChannel(ulong guildId, ulong userId) => UserChannels.TryGetValue(userId, out var channel) ? channel : null;

    public Task<ulong?> LocateUserAsync(ulong guildId, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(FindUserChannel(guildId, userId));

    public int CountListeners(ulong guildId, ulong channelId) => Listeners.GetValueOrDefault(channelId);

    public ulong? BotChannel(ulong guildId) => BotChannels.TryGetValue(guildId, out var channel) ? channel : null;

    public Task ConnectAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        Connects.Add((guildId, channelId));
        BotChannels[guildId] = channelId;
        return Task.CompletedTask;
    }

    public Task DisconnectAsync(ulong guildId, CancellationToken cancellationToken)
    {
        Disconnects.Add(guildId);
        BotChannels.Remove(guildId);
        return Task.CompletedTask;
    }
}

/// <summary>Sessions kept as snapshots with a version counter, so nothing is shared with the caller's objects.</summary>
internal sealed class InMemoryMusicSessionStore : IMusicSessionStore
{
    private readonly ConcurrentDictionary<ulong, (MusicSessionSnapshot Snapshot, int Version)> _rows = new();

    public int Saves { get; private set; }

    public void Put(MusicSession session) => _rows[session.GuildId] = (session.ToSnapshot(), _rows.GetValueOrDefault(session.GuildId).Version + 1);

    public Task<StoredMusicSession?> GetAsync(ulong guildId, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryGetValue(guildId, out var row)
            ? new StoredMusicSession(MusicSession.Restore(row.Snapshot), Version(row.Version))
            : null);

    public Task<string> SaveAsync(MusicSession session, string? expectedVersion, CancellationToken cancellationToken)
    {
        var exists = _rows.TryGetValue(session.GuildId, out var row);
        if (expectedVersion is null ? exists : !exists || Version(row.Version) != expectedVersion)
        {
            throw new MusicSessionConflictException(session.GuildId);
        }

        Saves++;
        var version = row.Version + 1;
        _rows[session.GuildId] = (session.ToSnapshot(), version);
        return Task.FromResult(Version(version));
    }

    public Task DeleteAsync(ulong guildId, string? expectedVersion, CancellationToken cancellationToken)
    {
        _rows.TryRemove(guildId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ulong>> ListActiveGuildsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ulong>>([.. _rows.Keys]);

    private static string Version(int version) => "v" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class RecordingResponder : IInteractionResponder
{
    public List<string> Edits { get; } = [];

    public List<string> Followups { get; } = [];

    public Task EditOriginalAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken)
    {
        Edits.Add(content);
        return Task.CompletedTask;
    }

    public Task SendEphemeralFollowupAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken)
    {
        Followups.Add(content);
        return Task.CompletedTask;
    }
}

internal sealed class RecordingTextChannel : IMusicTextChannel
{
    private ulong _nextId = 7000;

    public List<(ulong Channel, MusicMessage Message)> Created { get; } = [];

    public List<(ulong MessageId, MusicMessage Message)> Edited { get; } = [];

    public List<ulong> Deleted { get; } = [];

    public Task<ulong> CreateMessageAsync(ulong channelId, MusicMessage message, CancellationToken cancellationToken)
    {
        Created.Add((channelId, message));
        return Task.FromResult(++_nextId);
    }

    public Task<bool> EditMessageAsync(ulong channelId, ulong messageId, MusicMessage message, CancellationToken cancellationToken)
    {
        Edited.Add((messageId, message));
        return Task.FromResult(!Deleted.Contains(messageId));
    }

    public Task DeleteMessageAsync(ulong channelId, ulong messageId, CancellationToken cancellationToken)
    {
        Deleted.Add(messageId);
        return Task.CompletedTask;
    }
}

internal sealed class ScriptedVoicePermissionCheck : IVoicePermissionCheck
{
    public VoiceJoinCheck Answer { get; set; } = VoiceJoinCheck.Allowed;

    public Task<VoiceJoinCheck> CheckCanJoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken) => Task.FromResult(Answer);
}

/// <summary>Host names and their addresses; a name not listed does not resolve, as DNS would answer.</summary>
internal sealed class FakeHostResolver : Dictionary<string, System.Net.IPAddress[]>, IHostAddressResolver
{
    public FakeHostResolver()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public List<string> Asked { get; } = [];

    public Task<System.Net.IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Asked.Add(host);
        return TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<System.Net.IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
