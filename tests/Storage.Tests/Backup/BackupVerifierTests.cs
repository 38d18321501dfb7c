using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Serverless.Storage.Backup;

namespace Serverless.Storage.Tests.Backup;

/// <summary>A backup made by hand (no storage needed), then damaged one way per test.</summary>
public sealed class BackupVerifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backup-verify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<BackupManifest> WriteBackupAsync(string format = BackupManifest.FormatId, int version = BackupManifest.CurrentVersion)
    {
        var lines = new[]
        {
            EntityLineCodec.Encode(new TableEntity("1", "schedule") { ["TimeZone"] = "Europe/Paris" }),
            EntityLineCodec.Encode(new TableEntity("2", "schedule") { ["TimeZone"] = "Asia/Tokyo" }),
        };
        var bytes = lines.SelectMany(line => line.Append((byte)'\n')).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(_directory, "guildsettings.jsonl"), bytes);
        var manifest = new BackupManifest
        {
            Format = format,
            Version = version,
            CreatedAt = DateTimeOffset.UnixEpoch,
            SourceAccount = "devstoreaccount1",
            Tables = [new BackupTableEntry("guildsettings", "guildsettings.jsonl", 2, Convert.ToHexStringLower(SHA256.HashData(bytes)))],
        };
        await manifest.WriteAsync(_directory, CancellationToken.None);
        return manifest;
    }

    private Task<BackupVerification> VerifyAsync() => BackupVerifier.VerifyAsync(_directory, null, CancellationToken.None);

    [Fact]
    public async Task AnIntactBackup_IsValid()
    {
        var written = await WriteBackupAsync();

        var verification = await VerifyAsync();

        Assert.True(verification.IsValid, string.Join("\n", verification.Problems));
        Assert.Equal(written.Tables, verification.Manifest!.Tables);
    }

    [Fact]
    public async Task AMissingManifest_IsAnExportThatDidNotFinish()
    {
        var problem = Assert.Single((await VerifyAsync()).Problems);

        Assert.Contains("manifest.json is missing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForeignFormat_IsRefused_NamingBoth()
    {
        await WriteBackupAsync(format: "someone-else.backup");

        var verification = await VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal("Not a backup of this bot: its format is 'someone-else.backup', this bot-ops reads 'serverless-discord-bot.backup'.", Assert.Single(verification.Problems));
    }

    [Fact]
    public async Task ANewerVersion_IsRefused_NamingBothVersions()
    {
        await WriteBackupAsync(version: BackupManifest.CurrentVersion + 1);

        var problem = Assert.Single((await VerifyAsync()).Problems);

        Assert.StartsWith("The backup's format version is 2; this bot-ops reads versions 1 to 1.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangedFile_FailsItsHash()
    {
        await WriteBackupAsync();
        var path = Path.Combine(_directory, "guildsettings.jsonl");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("Tokyo", "Tokya", StringComparison.Ordinal));

        var problem = Assert.Single((await VerifyAsync()).Problems);

        Assert.Contains("SHA-256 differs", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFile_IsNamed()
    {
        await WriteBackupAsync();
        File.Delete(Path.Combine(_directory, "guildsettings.jsonl"));

        Assert.Equal("guildsettings: guildsettings.jsonl is missing.", Assert.Single((await VerifyAsync()).Problems));
    }

    [Fact]
    public async Task ARowCountThatDiffers_AndALineThatIsNotAnEntity_AreBothReported()
    {
        var manifest = await WriteBackupAsync();
        var path = Path.Combine(_directory, "guildsettings.jsonl");
        await File.AppendAllTextAsync(path, "{\"oops\":1}\n");
        var bytes = await File.ReadAllBytesAsync(path);
        await (manifest with { Tables = [manifest.Tables[0] with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) }] }).WriteAsync(_directory, CancellationToken.None);

        var problems = (await VerifyAsync()).Problems;

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p == "guildsettings: guildsettings.jsonl has 3 rows, the manifest says 2.");
        Assert.Contains(problems, p => p.StartsWith("guildsettings: line 3 of guildsettings.jsonl:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATableTheCatalogDoesNotBackUp_IsRefused()
    {
        var manifest = await WriteBackupAsync();
        File.Copy(Path.Combine(_directory, "guildsettings.jsonl"), Path.Combine(_directory, "ratelimits.jsonl"));
        await (manifest with { Tables = [.. manifest.Tables, manifest.Tables[0] with { Table = "ratelimits", File = "ratelimits.jsonl" }] }).WriteAsync(_directory, CancellationToken.None);

        Assert.Equal("ratelimits: not a table this bot-ops backs up.", Assert.Single((await VerifyAsync()).Problems));
    }

    [Fact]
    public async Task LongLines_AndALastLineWithoutABreak_AreRead()
    {
        var big = new string('x', 300_000);
        var bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(EntityLineCodec.Encode(new TableEntity("1", "session") { ["Body00"] = big })) + "\n"
            + Encoding.UTF8.GetString(EntityLineCodec.Encode(new TableEntity("2", "session") { ["Body00"] = "small" })));
        await File.WriteAllBytesAsync(Path.Combine(_directory, "musicsessions.jsonl"), bytes);
        await new BackupManifest
        {
            Format = BackupManifest.FormatId,
            Version = 1,
            CreatedAt = DateTimeOffset.UnixEpoch,
            SourceAccount = "a",
            Tables = [new BackupTableEntry("musicsessions", "musicsessions.jsonl", 2, Convert.ToHexStringLower(SHA256.HashData(bytes)))],
        }.WriteAsync(_directory, CancellationToken.None);

        var verification = await VerifyAsync();

        Assert.True(verification.IsValid, string.Join("\n", verification.Problems));
    }
}
