using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.TestSupport.Controls;

namespace Serverless.Domain.Tests.Controls;

/// <summary>The one place controls change: validation refuses without writing, and every change is audited first.</summary>
public sealed class OperatorControlChangesTests
{
    private const string Actor = "ops:alice";
    private const ulong Guild = 555000000000000001;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOperatorControlStore _store = new();
    private readonly RecordingLimitStore _limits = new();

    private OperatorControlChanges Changes(ICommandLimitStore? limits = null) => new(_store, limits ?? _limits, CommandCatalog.Current, _time);

    private static ControlTarget Target(string text) =>
        ControlTarget.TryParse(text, out var target, out var problem) ? target : throw new ArgumentException(problem);

    [Fact]
    public async Task Disable_StoresTheSwitch_AfterItsAuditEntry()
    {
        var result = await Changes().DisableAsync(Target("/schedule create"), Guild, "  Being fixed, back soon.  ", Actor, _time.GetUtcNow().AddHours(2), CancellationToken.None);

        Assert.True(result.Changed);
        var stored = Assert.Single((await _store.LoadAsync(CancellationToken.None)).Switches);
        Assert.Equal("/schedule create", stored.Target.ToString());
        Assert.Equal("Being fixed, back soon.", stored.Reason);
        Assert.Equal(Guild, stored.GuildId);
        Assert.Equal(_time.GetUtcNow().AddHours(2), stored.ExpiresAt);
        var audit = Assert.Single(_store.Audit);
        Assert.Equal(new ControlAuditEntry
        {
            At = _time.GetUtcNow(), Actor = Actor, Action = ControlActions.FeatureDisabled, Target = "/schedule create",
            Reason = "Being fixed, back soon.", Detail = "in guild 555000000000000001 until 2026-12-04 14:00 UTC",
        }, audit);
        Assert.Equal(audit, result.Audit);
    }

    [Theory]
    [InlineData("/nosuch", "No such command /nosuch; known: /ping, /help, /status, /schedule, /music, /admin, /duel, /raid, /hall, /pair, /oracle.")]
    [InlineData("/schedule frobnicate", "No such command /schedule frobnicate; known: /schedule create, /schedule list, /schedule show, /schedule cancel, /schedule timezone.")]
    [InlineData("/ping extra", "/ping has no subcommands; disable /ping itself.")]
    [InlineData("feature:nosuch", "No such feature nosuch; known: ping, help, status, schedule, music, admin, duel, raid, hall, pair, oracle.")]
    public async Task Disable_OfSomethingTheBotDoesNotHave_IsRefused_AndNothingIsWritten(string target, string message)
    {
        var result = await Changes().DisableAsync(Target(target), null, "reason", Actor, null, CancellationToken.None);

        Assert.True(result.Refused);
        Assert.Equal(message, result.Message);
        Assert.Empty(_store.Audit);
        Assert.Empty((await _store.LoadAsync(CancellationToken.None)).Switches);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task AReason_IsRequired_ToDisableBlockOrOverride(string? reason)
    {
        var changes = Changes();
        var results = new[]
        {
            await changes.DisableAsync(Target("/ping"), null, reason, Actor, null, CancellationToken.None),
            await changes.BlockGuildAsync(Guild, reason, Actor, null, CancellationToken.None),
            await changes.OverrideLimitAsync(new LimitSubject(LimitSubjectKind.User, 1), "music", new LimitPolicy(1, TimeSpan.FromMinutes(1)), reason, Actor, null, CancellationToken.None),
            await changes.ResetLimitAsync(new LimitSubject(LimitSubjectKind.User, 1), null, Actor, reason, CancellationToken.None),
        };

        Assert.All(results, result => Assert.StartsWith("A reason is required", result.Message, StringComparison.Ordinal));
        Assert.Empty(_store.Audit);
        Assert.Equal(0, _limits.Resets);
    }

    [Fact]
    public async Task ALongReason_OrAPastExpiry_IsRefused()
    {
        var changes = Changes();

        var tooLong = await changes.DisableAsync(Target("/ping"), null, new string('x', 201), Actor, null, CancellationToken.None);
        var past = await changes.BlockGuildAsync(Guild, "spam", Actor, _time.GetUtcNow(), CancellationToken.None);
        var fits = await changes.DisableAsync(Target("/ping"), null, new string('x', 200), Actor, null, CancellationToken.None);

        Assert.Equal("The reason is 201 characters; keep it to 200.", tooLong.Message);
        Assert.StartsWith("The expiry is in the past", past.Message, StringComparison.Ordinal);
        Assert.True(fits.Changed);
        Assert.Single(_store.Audit);
    }

    [Fact]
    public async Task Enable_RemovesTheSwitchOfThatScopeOnly_AndSaysWhenThereWasNone()
    {
        var changes = Changes();
        await changes.DisableAsync(Target("feature:music"), null, "Lavalink is down", Actor, null, CancellationToken.None);
        await changes.DisableAsync(Target("feature:music"), Guild, "abuse", Actor, null, CancellationToken.None);

        var enabled = await changes.EnableAsync(Target("feature:music"), null, Actor, "fixed", CancellationToken.None);
        var again = await changes.EnableAsync(Target("feature:music"), null, Actor, null, CancellationToken.None);

        Assert.True(enabled.Changed);
        Assert.Equal("Enabled feature:music everywhere.", enabled.Message);
        Assert.False(again.Changed);
        Assert.Equal("feature:music was not disabled everywhere; nothing changed.", again.Message);
        Assert.Equal(Guild, Assert.Single((await _store.LoadAsync(CancellationToken.None)).Switches).GuildId);
        Assert.Equal([ControlActions.FeatureDisabled, ControlActions.FeatureDisabled, ControlActions.FeatureEnabled, ControlActions.FeatureEnabled], _store.Audit.Select(e => e.Action));
    }

    [Fact]
    public async Task BlockAndUnblock_RoundTrip()
    {
        var changes = Changes();
        var blocked = await changes.BlockGuildAsync(Guild, "raid", Actor, _time.GetUtcNow().AddDays(7), CancellationToken.None);
        Assert.Equal("Blocked guild 555000000000000001 until 2026-12-11 12:00 UTC.", blocked.Message);
        Assert.NotNull((await _store.LoadAsync(CancellationToken.None)).FindBlock(Guild, _time.GetUtcNow()));

        Assert.True((await changes.UnblockGuildAsync(Guild, Actor, null, CancellationToken.None)).Changed);
        Assert.False((await changes.UnblockGuildAsync(Guild, Actor, null, CancellationToken.None)).Changed);
        Assert.Null((await _store.LoadAsync(CancellationToken.None)).FindBlock(Guild, _time.GetUtcNow()));
        Assert.Equal("guild:555000000000000001", _store.Audit[0].Target);
    }

    [Fact]
    public async Task Override_NamesAFeatureAsItsBucket_AndStoresThePolicy()
    {
        var changes = Changes();
        var user = new LimitSubject(LimitSubjectKind.User, 42);

        var refused = await changes.OverrideLimitAsync(user, "jukebox", new LimitPolicy(5, TimeSpan.FromMinutes(1)), "r", Actor, null, CancellationToken.None);
        var badCapacity = await changes.OverrideLimitAsync(user, "music", new LimitPolicy(-1, TimeSpan.FromMinutes(1)), "r", Actor, null, CancellationToken.None);
        var done = await changes.OverrideLimitAsync(user, "Music", new LimitPolicy(2, TimeSpan.FromSeconds(30)), "heavy user", Actor, null, CancellationToken.None);

        Assert.Equal("No such bucket 'jukebox'; buckets are features: ping, help, status, schedule, music, admin, duel, raid, hall, pair, oracle.", refused.Message);
        Assert.True(badCapacity.Refused);
        Assert.Equal("user:42 may now run 2 per 30s of music.", done.Message);
        var stored = (await _store.LoadAsync(CancellationToken.None)).FindOverride(user, "music", _time.GetUtcNow());
        Assert.Equal(new LimitPolicy(2, TimeSpan.FromSeconds(30)), stored!.Policy);
        Assert.Equal("2 per 30s", Assert.Single(_store.Audit).Detail);

        var removed = await changes.RemoveLimitOverrideAsync(user, null, Actor, null, CancellationToken.None);
        Assert.Equal(1, removed.Changed ? 1 : 0);
        Assert.Empty((await _store.LoadAsync(CancellationToken.None)).LimitOverrides);
    }

    [Fact]
    public async Task Reset_RefillsThroughTheLimitStore_OrSaysLimitsAreNotSetUp()
    {
        var user = new LimitSubject(LimitSubjectKind.Guild, Guild);
        _limits.ResetCount = 3;

        var reset = await Changes().ResetLimitAsync(user, null, Actor, "false positive", CancellationToken.None);
        var withoutLimits = await new OperatorControlChanges(_store, null, CommandCatalog.Current, _time).ResetLimitAsync(user, "music", Actor, "r", CancellationToken.None);

        Assert.Equal("Reset 3 buckets of guild:555000000000000001.", reset.Message);
        Assert.Equal((user, (string?)null), _limits.LastReset);
        Assert.Equal(ControlActions.LimitReset, Assert.Single(_store.Audit).Action);
        Assert.True(withoutLimits.Refused);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("7D", 604800)]
    [InlineData("1w", 604800)]
    public void Durations_AreReadAsTyped(string text, int seconds)
    {
        Assert.True(ControlDuration.TryParse(text, out var duration, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        Assert.True(ControlDuration.TryParse(ControlDuration.Format(duration), out var again, out _));
        Assert.Equal(duration, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("h")]
    [InlineData("2x")]
    [InlineData("0m")]
    [InlineData("400d")]
    public void Durations_ThatAreNot_AreRefused(string text) =>
        Assert.False(ControlDuration.TryParse(text, out _, out _));

    /// <summary>Records resets; the real token buckets are tested with their store.</summary>
    internal sealed class RecordingLimitStore : ICommandLimitStore
    {
        public int ResetCount { get; set; } = 1;

        public int Resets { get; private set; }

        public (LimitSubject Subject, string? Bucket)? LastReset { get; private set; }

        public List<LimitBucketState> Buckets { get; } = [];

        public ValueTask<LimitDecision> TryTakeAsync(LimitSubject subject, string bucket, LimitPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) =>
            ValueTask.FromResult(LimitDecision.Allow(policy.Capacity));

        public Task<int> ResetAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken)
        {
            Resets++;
            LastReset = (subject, bucket);
            return Task.FromResult(ResetCount);
        }

        public Task<IReadOnlyList<LimitBucketState>> ReadAsync(LimitSubject subject, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LimitBucketState>>([.. Buckets.Where(b => b.Subject == subject)]);
    }
}
