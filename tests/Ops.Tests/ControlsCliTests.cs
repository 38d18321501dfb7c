using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.Storage.Controls;

namespace Serverless.Ops.Tests;

/// <summary><c>features</c>, <c>guilds</c>, <c>limits</c> and <c>audit</c> against a private Azurite.</summary>
public sealed class ControlsCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_id = 720000000000000000;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    private TableOperatorControlStore Store => new(azurite.Account);

    private static string NewId() => Interlocked.Increment(ref s_id).ToString(CultureInfo.InvariantCulture);

    private Task<OpsRun> RunAsync(params string[] args) => OpsRun.RunAsync(_time, Environment, args);

    [Fact]
    public async Task FeaturesDisable_Everywhere_NeedsYes_AndThenStoresAndAudits()
    {
        var refused = await RunAsync("features", "disable", "/status", "--reason", "Status is being fixed.");
        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Contains("Not confirmed: turn off /status everywhere", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain((await Store.LoadAsync(CancellationToken.None)).Switches, s => s.Target.ToString() == "/status" && s.GuildId is null);

        var dryRun = await RunAsync("features", "disable", "/status", "--reason", "Status is being fixed.", "--dry-run");
        Assert.Equal(["Would turn off /status everywhere."], dryRun.OutputLines);

        var done = await RunAsync("features", "disable", "/status", "--reason", "Status is being fixed.", "--for", "2h", "--yes", "--as", "alice");
        Assert.True(done.ExitCode == ExitCodes.Ok, done.ToString());
        Assert.Equal(["Disabled /status everywhere until 2026-12-04 14:00 UTC. Users see: Status is being fixed."], done.OutputLines);
        var stored = Assert.Single((await Store.LoadAsync(CancellationToken.None)).Switches, s => s.Target.ToString() == "/status" && s.GuildId is null);
        Assert.Equal("ops:alice", stored.SetBy);
        Assert.Equal(_time.GetUtcNow().AddHours(2), stored.ExpiresAt);

        var list = await RunAsync("features", "list", "--output", "json");
        using var json = JsonDocument.Parse(list.Output);
        var item = json.RootElement.GetProperty("switches").EnumerateArray().Single(s => s.GetProperty("target").GetString() == "/status" && s.GetProperty("guildId").ValueKind == JsonValueKind.Null);
        Assert.Equal("Status is being fixed.", item.GetProperty("reason").GetString());
        Assert.Contains(json.RootElement.GetProperty("features").EnumerateArray(), f => f.GetProperty("feature").GetString() == "admin");

        var enabled = await RunAsync("features", "enable", "/status", "--reason", "fixed");
        Assert.Equal(["Enabled /status everywhere."], enabled.OutputLines);
    }

    [Fact]
    public async Task FeaturesDisable_InOneGuild_NeedsNoConfirmation_AndUnknownTargetsAreRefused()
    {
        var guild = NewId();

        var unknown = await RunAsync("features", "disable", "/nosuch", "--reason", "r", "--guild", guild);
        var noReason = await RunAsync("features", "disable", "/ping", "--guild", guild);
        var done = await RunAsync("features", "disable", "feature:music", "--reason", "Voice is down here.", "--guild", guild);

        Assert.Equal(ExitCodes.UsageOrConfiguration, unknown.ExitCode);
        Assert.StartsWith("No such command /nosuch; known: /ping", Assert.Single(unknown.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageOrConfiguration, noReason.ExitCode);
        Assert.True(done.ExitCode == ExitCodes.Ok, done.ToString());
        Assert.Contains((await Store.LoadAsync(CancellationToken.None)).Switches, s => s.Target.ToString() == "feature:music" && s.GuildId.ToString() == guild);
    }

    [Fact]
    public async Task GuildsBlock_NeedsYes_ThenListUnblock_InTextAndJson()
    {
        var guild = NewId();

        var refused = await RunAsync("guilds", "block", guild, "--reason", "raid");
        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Null((await Store.LoadAsync(CancellationToken.None)).FindBlock(ulong.Parse(guild, CultureInfo.InvariantCulture), _time.GetUtcNow()));

        var blocked = await RunAsync("guilds", "block", guild, "--reason", "raid", "--for", "7d", "-y", "--output", "json");
        Assert.True(blocked.ExitCode == ExitCodes.Ok, blocked.ToString());
        using (var result = JsonDocument.Parse(blocked.Output))
        {
            Assert.True(result.RootElement.GetProperty("changed").GetBoolean());
            Assert.Equal(ControlActions.GuildBlocked, result.RootElement.GetProperty("audit").GetProperty("action").GetString());
        }

        var text = await RunAsync("guilds", "list");
        Assert.Contains(text.OutputLines, line => line.StartsWith(guild, StringComparison.Ordinal) && line.Contains("2026-12-11 12:00", StringComparison.Ordinal) && line.EndsWith("raid", StringComparison.Ordinal));
        var json = await RunAsync("guilds", "list", "--output", "json");
        using (var list = JsonDocument.Parse(json.Output))
        {
            Assert.Contains(list.RootElement.EnumerateArray(), b => b.GetProperty("guildId").GetString() == guild);
        }

        var unblocked = await RunAsync("guilds", "unblock", guild);
        var again = await RunAsync("guilds", "unblock", guild);
        Assert.Equal([$"Unblocked guild {guild}."], unblocked.OutputLines);
        Assert.Equal([$"Guild {guild} was not blocked; nothing changed."], again.OutputLines);
    }

    [Fact]
    public async Task LimitsOverride_ThenShow_AndResetOfEveryBucket_NeedsYes()
    {
        var user = NewId();

        var both = await RunAsync("limits", "show", "--user", user, "--guild", "1");
        Assert.Equal(ExitCodes.UsageOrConfiguration, both.ExitCode);
        Assert.Equal("Give either --user ID or --guild ID.", Assert.Single(both.ErrorLines));

        var badBucket = await RunAsync("limits", "override", "--user", user, "--bucket", "jukebox", "--capacity", "2", "--per", "30s", "--reason", "r");
        Assert.Equal(ExitCodes.UsageOrConfiguration, badBucket.ExitCode);

        var set = await RunAsync("limits", "override", "--user", user, "--bucket", "schedule", "--capacity", "2", "--per", "30s", "--reason", "spammy");
        Assert.True(set.ExitCode == ExitCodes.Ok, set.ToString());
        Assert.Equal([$"user:{user} may now run 2 per 30s of schedule."], set.OutputLines);

        var show = await RunAsync("limits", "show", "--user", user, "--output", "json");
        using (var json = JsonDocument.Parse(show.Output))
        {
            Assert.Equal($"user:{user}", json.RootElement.GetProperty("subject").GetString());
            var item = Assert.Single(json.RootElement.GetProperty("overrides").EnumerateArray());
            Assert.Equal(2, item.GetProperty("capacity").GetInt32());
            Assert.Equal("30s", item.GetProperty("per").GetString());
        }

        var resetAll = await RunAsync("limits", "reset", "--user", user, "--reason", "false positive");
        Assert.Equal(ExitCodes.UsageOrConfiguration, resetAll.ExitCode);
        Assert.Contains("Not confirmed: reset every bucket of user:" + user, resetAll.Error, StringComparison.Ordinal);
        Assert.DoesNotContain((await Store.ListAuditAsync(null, 1000, CancellationToken.None)), e => e.Action == ControlActions.LimitReset && e.Target.Contains(user, StringComparison.Ordinal));

        var removed = await RunAsync("limits", "remove-override", "--user", user, "--bucket", "schedule", "--reason", "calmed down");
        Assert.True(removed.ExitCode == ExitCodes.Ok, removed.ToString());
        Assert.DoesNotContain((await Store.LoadAsync(CancellationToken.None)).LimitOverrides, o => o.Subject.Id.ToString(CultureInfo.InvariantCulture) == user);
        Assert.Contains(await Store.ListAuditAsync(null, 1000, CancellationToken.None), e => e.Action == ControlActions.LimitOverrideRemoved && e.Target == $"user:{user} schedule" && e.Reason == "calmed down");
    }

    [Fact]
    public async Task AuditList_NewestFirst_WithSinceMaxAndJson()
    {
        var first = NewId();
        var second = NewId();
        await RunAsync("guilds", "block", first, "--reason", "one", "--yes", "--as", "bob");
        _time.Advance(TimeSpan.FromHours(1));
        await RunAsync("guilds", "block", second, "--reason", "two", "--yes", "--as", "bob");

        var json = await RunAsync("audit", "list", "--since", "2026-12-04T12:30", "--output", "json");
        using (var entries = JsonDocument.Parse(json.Output))
        {
            var targets = entries.RootElement.EnumerateArray().Select(e => e.GetProperty("target").GetString()).ToList();
            Assert.Contains($"guild:{second}", targets);
            Assert.DoesNotContain($"guild:{first}", targets);
        }

        var text = await RunAsync("audit", "list", "--max", "2");
        Assert.True(text.ExitCode == ExitCodes.Ok, text.ToString());
        Assert.Equal(3, text.OutputLines.Length);
        Assert.Contains($"guild:{second}", text.OutputLines[1], StringComparison.Ordinal);
        Assert.Contains("ops:bob", text.OutputLines[1], StringComparison.Ordinal);

        var badDate = await RunAsync("audit", "list", "--since", "yesterday-ish");
        Assert.Equal(ExitCodes.UsageOrConfiguration, badDate.ExitCode);
    }
}
