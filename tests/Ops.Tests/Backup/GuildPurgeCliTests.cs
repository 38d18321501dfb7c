using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Ops.Commands.Backup;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Ops.Tests.Backup;

/// <summary><c>guild purge ID</c> against a private Azurite, its audit entry in a recording store.</summary>
public sealed class GuildPurgeCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 830000000000000000;

    private readonly RecordingAuditStore _audit = new();

    private TableScheduledPostStore Posts => new(azurite.Account);

    private static ulong NewGuild() => (ulong)Interlocked.Increment(ref s_guild);

    private async Task SeedAsync(ulong guild)
    {
        await Posts.CreateAsync(SamplePosts.Pending(guild, "post1", Now), CancellationToken.None);
        await Posts.SetTimeZoneAsync(guild, "Asia/Tokyo", CancellationToken.None);
    }

    /// <summary>The command as OpsCli builds it, with the audit store of this test.</summary>
    private async Task<OpsRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = OpsRun.EnvironmentFor(azurite.Server);
        var settings = OpsSettings.FileOption();
        var format = OpsOptions.FormatOption();
        var context = new OpsContext(environment, settings, format, output, error, OpsTerminal.None, new FakeTimeProvider(Now));
        var root = new RootCommand { settings, format, new Command("guild") { GuildPurgeCommand.Create(context, _ => _audit) } };
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new OpsRun(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    private static string Id(ulong guild) => guild.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task DryRun_CountsRowsPerTable_AndDeletesNothing()
    {
        var guild = NewGuild();
        await SeedAsync(guild);

        var run = await RunAsync("guild", "purge", Id(guild), "--dry-run", "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(Id(guild), json.RootElement.GetProperty("guildId").GetString());
        var counts = json.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!, t => t.GetProperty("rows").GetInt64());
        Assert.Equal(1, counts["scheduledposts"]);
        Assert.Equal(1, counts["scheduledpostsdue"]);
        Assert.Equal(1, counts["guildsettings"]);
        Assert.Equal(0, counts["musicsessions"]);
        Assert.Contains("messages the bot already posted in Discord", json.RootElement.GetProperty("notDeleted").GetString(), StringComparison.Ordinal);
        Assert.Empty(_audit.Entries);
        Assert.NotNull(await Posts.GetAsync(guild, "post1", CancellationToken.None));
    }

    [Fact]
    public async Task Purge_RecordsTheAuditEntryFirst_DeletesOneGuild_AndSaysWhatItCannotDelete()
    {
        var guild = NewGuild();
        var other = NewGuild();
        await SeedAsync(guild);
        await SeedAsync(other);

        var run = await RunAsync("guild", "purge", Id(guild), "--yes", "--reason", "ticket 42", "--as", "alice");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal($"Deleted 3 rows of guild {Id(guild)}.", run.OutputLines[^2]);
        Assert.Equal(GuildPurgeCommand.NotDeleted, run.OutputLines[^1]);
        Assert.Contains("scheduledposts: deleted 1", run.ErrorLines);
        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(ControlActions.GuildPurged, entry.Action);
        Assert.Equal(Id(guild), entry.Target);
        Assert.Equal("ops:alice", entry.Actor);
        Assert.Equal("ticket 42", entry.Reason);
        Assert.Equal(Now, entry.At);
        Assert.Null(await Posts.GetAsync(guild, "post1", CancellationToken.None));
        Assert.Null(await Posts.GetTimeZoneAsync(guild, CancellationToken.None));
        Assert.NotNull(await Posts.GetAsync(other, "post1", CancellationToken.None));
        Assert.Equal("Asia/Tokyo", await Posts.GetTimeZoneAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task Purge_WithoutYes_AndNoOneToAsk_DeletesNothing_AndRecordsNothing()
    {
        var guild = NewGuild();
        await SeedAsync(guild);

        var run = await RunAsync("guild", "purge", Id(guild));

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith($"Not confirmed: delete every row of guild {Id(guild)}", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(_audit.Entries);
        Assert.NotNull(await Posts.GetAsync(guild, "post1", CancellationToken.None));
    }

    [Fact]
    public async Task WhenTheAuditCannotBeWritten_NothingIsDeleted()
    {
        var guild = NewGuild();
        await SeedAsync(guild);
        _audit.Fail = true;

        var run = await RunAsync("guild", "purge", Id(guild), "--yes");

        Assert.Equal(ExitCodes.ServiceOrNetwork, run.ExitCode);
        Assert.NotNull(await Posts.GetAsync(guild, "post1", CancellationToken.None));
    }

    /// <summary>Records audit entries; the purge uses nothing else of the store.</summary>
    private sealed class RecordingAuditStore : IOperatorControlStore
    {
        public List<ControlAuditEntry> Entries { get; } = [];

        public bool Fail { get; set; }

        public Task AppendAuditAsync(ControlAuditEntry entry, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new Azure.RequestFailedException(503, "unavailable");
            }

            Entries.Add(entry);
            return Task.CompletedTask;
        }

        public Task<OperatorControlSnapshot> LoadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetSwitchAsync(KillSwitch killSwitch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RemoveSwitchAsync(ControlTarget target, ulong? guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task BlockGuildAsync(GuildBlock block, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> UnblockGuildAsync(ulong guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetLimitOverrideAsync(LimitOverride limitOverride, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> RemoveLimitOverridesAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ControlAuditEntry>> ListAuditAsync(DateTimeOffset? since, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
