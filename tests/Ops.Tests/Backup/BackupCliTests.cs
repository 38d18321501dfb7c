using System.Text.Json;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.Backup;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Ops.Tests.Backup;

/// <summary><c>backup export|verify|import</c> run in-process against a private Azurite.</summary>
public sealed class BackupCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 820000000000000000;

    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(azurite.Server);

    private TableScheduledPostStore Posts => new(azurite.Account);

    private static ulong NewGuild() => (ulong)Interlocked.Increment(ref s_guild);

    /// <summary>A path for a directory that does not exist yet, removed after the test.</summary>
    private string NewPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "backup-cli-" + Guid.NewGuid().ToString("N"));
        _directories.Add(path);
        return path;
    }

    private async Task<ulong> SeedAsync()
    {
        var guild = NewGuild();
        await Posts.CreateAsync(SamplePosts.Pending(guild, "post1", Now), CancellationToken.None);
        await Posts.SetTimeZoneAsync(guild, "Asia/Tokyo", CancellationToken.None);
        return guild;
    }

    private async Task WipeAsync()
    {
        foreach (var table in BackupCatalog.BackedUp)
        {
            await azurite.Account.Tables.DeleteTableAsync(table.Name);
        }
    }

    private static async Task<OpsRun> RunInteractiveAsync(IReadOnlyDictionary<string, string?> environment, string answer, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OpsCli.RunAsync(args, environment, output, error, new OpsTerminal(new StringReader(answer), IsInteractive: true), TimeProvider.System);
        return new OpsRun(code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ExportVerifyWipeImport_RestoresThePosts_ResultsOnStdout_ProgressOnStderr()
    {
        var guild = await SeedAsync();
        var directory = NewPath();

        var export = await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory);
        var verify = await OpsRun.RunAsync(Environment, "backup", "verify", directory);
        await WipeAsync();
        var import = await OpsRun.RunAsync(Environment, "backup", "import", directory, "--yes");

        Assert.True(export.ExitCode == ExitCodes.Ok, export.ToString());
        Assert.Equal(["table", .. BackupCatalog.BackedUp.Select(t => t.Name)], export.OutputLines[..^1].Select(line => line.Split(' ')[0]));
        Assert.Matches("^scheduledposts +[1-9][0-9]*$", export.OutputLines.Single(l => l.StartsWith("scheduledposts ", StringComparison.Ordinal)));
        Assert.StartsWith("Exported ", export.OutputLines[^1], StringComparison.Ordinal);
        Assert.Contains(export.ErrorLines, line => line.StartsWith("scheduledposts: ", StringComparison.Ordinal) && line.EndsWith(" rows, done", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(directory, "manifest.json")));
        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.ToString());
        Assert.StartsWith($"Backup {directory} is valid: format version 1,", verify.OutputLines[^1], StringComparison.Ordinal);
        Assert.True(import.ExitCode == ExitCodes.Ok, import.ToString());
        Assert.StartsWith("Imported ", import.OutputLines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(import.OutputLines, line => line.Contains(", done", StringComparison.Ordinal));
        Assert.Equal("hello", (await Posts.GetAsync(guild, "post1", CancellationToken.None))!.Content);
        Assert.Equal("Asia/Tokyo", await Posts.GetTimeZoneAsync(guild, CancellationToken.None));
    }

    [Fact]
    public async Task Export_AsJson_GivesPerTableCountsAndHashes_AndNamesTheAccountWithoutItsKey()
    {
        await SeedAsync();
        var directory = NewPath();

        var run = await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory, "--output", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(BackupManifest.FormatId, json.RootElement.GetProperty("format").GetString());
        Assert.Equal("devstoreaccount1", json.RootElement.GetProperty("sourceAccount").GetString());
        var posts = json.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "scheduledposts");
        Assert.True(posts.GetProperty("rows").GetInt64() >= 1);
        Assert.Equal(64, posts.GetProperty("sha256").GetString()!.Length);
        var manifest = await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json"));
        Assert.DoesNotContain("AccountKey", manifest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Eby8vdM02xNO", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_RefusesANonEmptyDirectory_UnlessForced()
    {
        var directory = NewPath();
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "notes.txt"), "mine");

        var refused = await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory);
        var forced = await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory, "--force");

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Equal($"{directory} is not empty: give a new or empty directory, or --force to replace the backup in it.", Assert.Single(refused.ErrorLines));
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.ToString());
        Assert.True(File.Exists(Path.Combine(directory, "manifest.json")));
    }

    [Fact]
    public async Task VerifyAndImport_OfADamagedBackup_ExitOne_AndImportWritesNothing()
    {
        await SeedAsync();
        var directory = NewPath();
        Assert.Equal(ExitCodes.Ok, (await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory)).ExitCode);
        await File.AppendAllTextAsync(Path.Combine(directory, "guildsettings.jsonl"), "{\"partitionKey\":\"1\",\"rowKey\":\"schedule\",\"properties\":{}}\n");
        await WipeAsync();

        var verify = await OpsRun.RunAsync(Environment, "backup", "verify", directory, "--output", "json");
        var import = await OpsRun.RunAsync(Environment, "backup", "import", directory, "--yes");

        Assert.Equal(ExitCodes.VerificationFailed, verify.ExitCode);
        using (var json = JsonDocument.Parse(verify.Output))
        {
            Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        }

        Assert.Contains(verify.ErrorLines, line => line.StartsWith("guildsettings: guildsettings.jsonl has changed since the export", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.VerificationFailed, import.ExitCode);
        Assert.Equal("Nothing imported.", import.ErrorLines[^1]);
        Assert.Empty(azurite.Account.Tables.Query(filter: $"TableName eq '{TableScheduledPostStore.PostsTable}'"));
    }

    [Fact]
    public async Task Import_OfANewerFormat_IsRefusedInOneLine_NamingBothVersions()
    {
        var directory = NewPath();
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(
            Path.Combine(directory, "manifest.json"),
            "{\"format\":\"serverless-discord-bot.backup\",\"version\":2,\"createdAt\":\"2026-12-01T00:00:00Z\",\"sourceAccount\":\"x\",\"tables\":[]}");

        var run = await OpsRun.RunAsync(Environment, "backup", "import", directory, "--yes");

        Assert.Equal(ExitCodes.VerificationFailed, run.ExitCode);
        Assert.Equal(
            ["The backup's format version is 2; this bot-ops reads versions 1 to 1. Use a bot-ops as new as the one that wrote it.", "Nothing imported."],
            run.ErrorLines);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Import_WithoutYes_AndNoOneToAsk_ChangesNothing_AndDryRunCounts()
    {
        var guild = await SeedAsync();
        var directory = NewPath();
        Assert.Equal(ExitCodes.Ok, (await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory)).ExitCode);
        await Posts.SetTimeZoneAsync(guild, "Europe/Oslo", CancellationToken.None);

        var unconfirmed = await OpsRun.RunAsync(Environment, "backup", "import", directory);
        var dryRun = await OpsRun.RunAsync(Environment, "backup", "import", directory, "--dry-run", "--output", "json");

        Assert.Equal(ExitCodes.UsageOrConfiguration, unconfirmed.ExitCode);
        Assert.StartsWith("Not confirmed: write ", unconfirmed.ErrorLines[^1], StringComparison.Ordinal);
        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        using var json = JsonDocument.Parse(dryRun.Output);
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.True(json.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "guildsettings").GetProperty("rows").GetInt64() >= 1);
        Assert.Equal("Europe/Oslo", await Posts.GetTimeZoneAsync(guild, CancellationToken.None));
    }

    [Fact]
    public async Task OnATerminal_ImportAsksFirst_AndDrawsItsProgressOnStderr()
    {
        var guild = await SeedAsync();
        var directory = NewPath();
        Assert.Equal(ExitCodes.Ok, (await OpsRun.RunAsync(Environment, "backup", "export", "--out", directory)).ExitCode);
        await Posts.SetTimeZoneAsync(guild, "Europe/Oslo", CancellationToken.None);

        var declined = await RunInteractiveAsync(Environment, "n\n", "backup", "import", directory);
        var stillOslo = await Posts.GetTimeZoneAsync(guild, CancellationToken.None);
        var accepted = await RunInteractiveAsync(Environment, "y\n", "backup", "import", directory);

        Assert.Equal(ExitCodes.UsageOrConfiguration, declined.ExitCode);
        Assert.Equal("Europe/Oslo", stillOslo);
        Assert.True(accepted.ExitCode == ExitCodes.Ok, accepted.ToString());
        Assert.Contains("? [y/N]", accepted.Error, StringComparison.Ordinal);
        Assert.Contains("guildsettings", accepted.Error, StringComparison.Ordinal);
        Assert.StartsWith("Imported ", accepted.OutputLines[^1], StringComparison.Ordinal);
        Assert.Equal("Asia/Tokyo", await Posts.GetTimeZoneAsync(guild, CancellationToken.None));
    }

    [Fact]
    public async Task Help_SaysWhatIsNotBackedUp_AndWhy()
    {
        var run = await OpsRun.RunAsync(Environment, "backup", "--help");

        Assert.Contains("Not backed up: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("interactionruns (transient", run.Output, StringComparison.Ordinal);
    }
}
