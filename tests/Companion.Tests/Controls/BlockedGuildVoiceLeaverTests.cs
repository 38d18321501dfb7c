using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.Controls;
using Serverless.Domain.Controls;

namespace Serverless.Companion.Tests.Controls;

public sealed class BlockedGuildVoiceLeaverTests
{
    private const ulong Blocked = 111;
    private const ulong Other = 222;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero));
    private readonly FakePresence _presence = new();
    private readonly FakeControls _controls = new();

    [Fact]
    public async Task ABlockedGuildWithVoice_IsLeft_AndOthersAreNot()
    {
        _presence.Guilds.UnionWith([Blocked, Other]);
        _controls.Blocks.Add(Block(Blocked, expiresAt: null));

        var left = await Leaver().CheckOnceAsync(CancellationToken.None);

        Assert.Equal([Blocked], left);
        Assert.Equal([Blocked], _presence.Left);
    }

    [Fact]
    public async Task AnExpiredBlock_LeavesTheGuildPlaying()
    {
        _presence.Guilds.Add(Blocked);
        _controls.Blocks.Add(Block(Blocked, expiresAt: _time.GetUtcNow().AddSeconds(-1)));

        Assert.Empty(await Leaver().CheckOnceAsync(CancellationToken.None));
        Assert.Empty(_presence.Left);
    }

    [Fact]
    public async Task ABlockedGuildWithoutVoice_IsNotLeft()
    {
        _presence.Guilds.Add(Other);
        _controls.Blocks.Add(Block(Blocked, expiresAt: _time.GetUtcNow().AddHours(1)));

        Assert.Empty(await Leaver().CheckOnceAsync(CancellationToken.None));
        Assert.Empty(_presence.Left);
    }

    [Fact]
    public async Task NoActiveBlock_CostsNoLookupOfVoice()
    {
        _presence.Guilds.Add(Blocked);

        await Leaver().CheckOnceAsync(CancellationToken.None);

        Assert.Equal(0, _presence.Lookups);
    }

    [Fact]
    public async Task AFailedLeave_DoesNotStopTheOthers_AndIsTriedAgainNextPass()
    {
        const ulong third = 333;
        _presence.Guilds.UnionWith([Blocked, third]);
        _presence.FailFor.Add(Blocked);
        _controls.Blocks.Add(Block(Blocked, expiresAt: null));
        _controls.Blocks.Add(Block(third, expiresAt: null));
        var leaver = Leaver();

        Assert.Equal([third], await leaver.CheckOnceAsync(CancellationToken.None));

        _presence.FailFor.Clear();
        Assert.Equal([Blocked], await leaver.CheckOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ControlsThatCannotBeRead_AreLoggedNotThrown()
    {
        _controls.Fail = true;
        _presence.Guilds.Add(Blocked);

        Assert.Empty(await Leaver().CheckOnceAsync(CancellationToken.None));
    }

    private BlockedGuildVoiceLeaver Leaver() => new(_presence, _controls, _time, NullLogger<BlockedGuildVoiceLeaver>.Instance);

    private GuildBlock Block(ulong guildId, DateTimeOffset? expiresAt) => new()
    {
        GuildId = guildId,
        Reason = "abuse",
        BlockedBy = "ops:alice",
        BlockedAt = _time.GetUtcNow().AddMinutes(-5),
        ExpiresAt = expiresAt,
    };

    private sealed class FakePresence : IGuildVoicePresence
    {
        public HashSet<ulong> Guilds { get; } = [];

        public HashSet<ulong> FailFor { get; } = [];

        public List<ulong> Left { get; } = [];

        public int Lookups { get; private set; }

        public Task<IReadOnlySet<ulong>> GuildsWithVoiceAsync(CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult<IReadOnlySet<ulong>>(new HashSet<ulong>(Guilds));
        }

        public Task LeaveAsync(ulong guildId, CancellationToken cancellationToken)
        {
            if (FailFor.Contains(guildId))
            {
                throw new InvalidOperationException("gateway not ready");
            }

            Left.Add(guildId);
            Guilds.Remove(guildId);
            return Task.CompletedTask;
        }
    }

    private sealed class FakeControls : IOperatorControls
    {
        public List<GuildBlock> Blocks { get; } = [];

        public bool Fail { get; set; }

        public ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken) =>
            Fail ? throw new InvalidOperationException("store down") : ValueTask.FromResult(new OperatorControlSnapshot([], [.. Blocks], []));
    }
}
