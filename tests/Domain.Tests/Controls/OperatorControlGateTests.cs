using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;

namespace Serverless.Domain.Tests.Controls;

public sealed class OperatorControlGateTests
{
    private const ulong Guild = 900000000000000001;
    private const ulong OtherGuild = 900000000000000002;
    private const ulong User = 800000000000000001;
    private const ulong OtherUser = 800000000000000002;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly FixedControls _controls = new();
    private readonly MemoryLimitStore _limits = new();
    private readonly CommandLimitOptions _limitOptions = new();

    [Fact]
    public async Task TheAdminFeature_IsNeverRefused_EvenBlockedAndSwitchedOff()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("admin"), "no")], [Block(Guild)], []);

        var decision = await Gate().CheckAsync(OperatorControlGate.ExemptFeature, "admin guilds", RouteKind.Command, Guild, User, CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.Empty(_limits.Takes);
    }

    [Fact]
    public async Task ABlockedGuild_GetsOnlyAShortNotice_NotTheOperatorsReason_AndCountsNothing()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("music"), "maintenance")], [Block(Guild)], []);

        var decision = await Gate().CheckAsync("music", "music play", RouteKind.Command, Guild, User, CancellationToken.None);

        Assert.Equal(GateRefusal.Blocked, decision.Refusal);
        Assert.Equal("blocked", decision.ReasonCode);
        Assert.Equal(OperatorControlGate.BlockedNotice, decision.Message);
        Assert.DoesNotContain("abuse", decision.Message!, StringComparison.Ordinal);
        Assert.Empty(_limits.Takes);
        Assert.True((await Gate().CheckAsync("music", "music play", RouteKind.Command, OtherGuild, User, CancellationToken.None)).Refusal != GateRefusal.Blocked);
    }

    [Fact]
    public async Task AnExpiredBlock_NoLongerApplies()
    {
        _controls.Snapshot = new([], [Block(Guild) with { ExpiresAt = _time.GetUtcNow().AddMinutes(1) }], []);
        Assert.False((await Gate().CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await Gate().CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task ASwitchedOffFeature_RefusesItsCommandsButtonsAndForms_WithTheReason()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("music"), "Lavalink is being upgraded.")], [], []);
        var gate = Gate();

        foreach (var (kind, path) in new[] { (RouteKind.Command, (string?)"music play"), (RouteKind.Component, null), (RouteKind.Form, null) })
        {
            var decision = await gate.CheckAsync("music", path, kind, Guild, User, CancellationToken.None);
            Assert.Equal(GateRefusal.Disabled, decision.Refusal);
            Assert.Equal("The music feature is turned off right now: Lavalink is being upgraded. Please try again later.", decision.Message);
        }

        Assert.True((await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task ASwitchedOffSubcommand_RefusesOnlyThatSubcommand_NamingIt()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Command("/schedule create"), "fixing a bug")], [], []);
        var gate = Gate();

        var refused = await gate.CheckAsync("schedule", "schedule create", RouteKind.Command, Guild, User, CancellationToken.None);
        Assert.Equal("`/schedule create` is turned off right now: fixing a bug. Please try again later.", refused.Message);
        Assert.True((await gate.CheckAsync("schedule", "schedule list", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);

        // A button has no command path: only feature switches (and a switch on the feature's own command) reach it.
        Assert.True((await gate.CheckAsync("schedule", null, RouteKind.Component, Guild, User, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task AGuildsOwnSwitch_WinsOverTheGlobalOne_AndAppliesOnlyThere()
    {
        _controls.Snapshot = new(
            [Switch(ControlTarget.Feature("music"), "global reason"), Switch(ControlTarget.Feature("music"), "this server's reason") with { GuildId = Guild }],
            [],
            []);

        Assert.Contains("this server's reason", (await Gate().CheckAsync("music", "music play", RouteKind.Command, Guild, User, CancellationToken.None)).Message, StringComparison.Ordinal);
        Assert.Contains("global reason", (await Gate().CheckAsync("music", "music play", RouteKind.Command, OtherGuild, User, CancellationToken.None)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReason_IsShownAsPlainText_MentioningNobody()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("music"), "**down** @everyone <@123>\nsee `x`")], [], []);

        var message = (await Gate().CheckAsync("music", "music play", RouteKind.Command, Guild, User, CancellationToken.None)).Message!;

        Assert.Contains(@"\*\*down\*\*", message, StringComparison.Ordinal);
        Assert.DoesNotContain("@everyone", message, StringComparison.Ordinal);
        Assert.DoesNotContain("<@123>", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public async Task ALongReason_IsShortened_SoTheAnswerFitsDiscord()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("music"), new string('a', 5000))], [], []);

        var message = (await Gate().CheckAsync("music", "music play", RouteKind.Command, Guild, User, CancellationToken.None)).Message!;

        Assert.True(message.Length < 500, message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AUserPastTheLimit_IsToldWhenToRetry_AnotherUserIsNot()
    {
        _limitOptions.User = new LimitPolicyOptions { Capacity = 2, Per = TimeSpan.FromSeconds(30) };
        var gate = Gate();

        Assert.True((await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);
        Assert.True((await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);
        var third = await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None);

        Assert.Equal(GateRefusal.Limited, third.Refusal);
        var retry = _time.GetUtcNow().AddSeconds(15).ToUnixTimeSeconds();
        Assert.Equal($"You're going a bit fast: try `/ping` again <t:{retry}:R>.", third.Message);
        Assert.True((await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, OtherUser, CancellationToken.None)).Allowed);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True((await gate.CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task Limits_CountUserThenGuild_PerFeatureBucket_WithPerBucketDefaults()
    {
        _limitOptions.Buckets["music"] = new BucketLimitOptions { User = new LimitPolicyOptions { Capacity = 3, Per = TimeSpan.FromMinutes(1) } };

        await Gate().CheckAsync("music", "music play", RouteKind.Command, Guild, User, CancellationToken.None);

        Assert.Equal(
            [
                (new LimitSubject(LimitSubjectKind.User, User), "music", new LimitPolicy(3, TimeSpan.FromMinutes(1))),
                (new LimitSubject(LimitSubjectKind.Guild, Guild), "music", new LimitPolicy(60, TimeSpan.FromSeconds(30))),
            ],
            _limits.Takes);
    }

    [Fact]
    public async Task AnOperatorsOverride_ReplacesTheDefault_ForThatSubjectAndBucket()
    {
        var subject = new LimitSubject(LimitSubjectKind.User, User);
        _controls.Snapshot = new([], [], [new LimitOverride { Subject = subject, Bucket = "ping", Policy = new LimitPolicy(0, TimeSpan.FromMinutes(5)), Reason = "spam", SetBy = "ops:test", SetAt = _time.GetUtcNow() }]);

        var decision = await Gate().CheckAsync("ping", "ping", RouteKind.Command, Guild, User, CancellationToken.None);

        Assert.Equal(GateRefusal.Limited, decision.Refusal);
        Assert.Equal(new LimitPolicy(0, TimeSpan.FromMinutes(5)), Assert.Single(_limits.Takes).Policy);
    }

    [Fact]
    public async Task ClicksAreCounted_FormSubmitsAndQueuedWorkAreNot()
    {
        var gate = Gate();

        await gate.CheckAsync("schedule", null, RouteKind.Component, null, User, CancellationToken.None);
        Assert.Single(_limits.Takes);

        await gate.CheckAsync("schedule", null, RouteKind.Form, Guild, User, CancellationToken.None);
        await gate.CheckQueuedAsync("schedule", "schedule create", RouteKind.Command, Guild, CancellationToken.None);
        Assert.Single(_limits.Takes);
    }

    [Fact]
    public async Task QueuedWork_IsStillRefused_ForASwitchOrABlock()
    {
        _controls.Snapshot = new([Switch(ControlTarget.Feature("music"), "down")], [Block(OtherGuild)], []);

        Assert.Equal(GateRefusal.Disabled, (await Gate().CheckQueuedAsync("music", "music play", RouteKind.Command, Guild, CancellationToken.None)).Refusal);
        Assert.Equal(GateRefusal.Blocked, (await Gate().CheckQueuedAsync("ping", "ping", RouteKind.Command, OtherGuild, CancellationToken.None)).Refusal);
    }

    [Fact]
    public void LimitOptions_RefuseANegativeCapacity_NamingTheKey()
    {
        var options = new CommandLimitOptions();
        options.Buckets["music"] = new BucketLimitOptions { Guild = new LimitPolicyOptions { Capacity = -1, Per = TimeSpan.FromSeconds(1) } };

        var failure = Assert.Single(new CommandLimitOptionsValidator().Validate(null, options).Failures ?? []);
        Assert.StartsWith("Limits__Buckets__music__Guild__Capacity", failure, StringComparison.Ordinal);
        Assert.True(new CommandLimitOptionsValidator().Validate(null, new CommandLimitOptions()).Succeeded);
    }

    private OperatorControlGate Gate() => new(_controls, _limits, Options.Create(_limitOptions), _time);

    private KillSwitch Switch(ControlTarget target, string reason) =>
        new() { Target = target, Reason = reason, SetBy = "ops:test", SetAt = _time.GetUtcNow() };

    private GuildBlock Block(ulong guild) =>
        new() { GuildId = guild, Reason = "abuse", BlockedBy = "ops:test", BlockedAt = _time.GetUtcNow() };
}
