using System.CommandLine;
using System.Globalization;
using Serverless.Storage.Backup;

namespace Serverless.Ops.Commands.Backup;

/// <summary><c>backup export|verify|import</c>: the bot's tables to files and back.</summary>
internal static class BackupCommand
{
    public static Command Create(OpsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command(
            "backup",
            "Export the bot's tables to a directory, verify an export, import one back.\n"
            + "Backed up: " + string.Join(", ", BackupCatalog.BackedUp.Select(table => table.Name)) + ".\n"
            + "Not backed up: " + string.Join("; ", BackupCatalog.Tables.Where(table => !table.BackedUp).Select(table => $"{table.Name} ({table.Holds})")) + ".")
        {
            CreateExport(context),
            CreateVerify(context),
            CreateImport(context),
        };
    }

    private static Argument<DirectoryInfo> DirectoryArgument() => new("DIR") { Description = "The backup's directory, as backup export wrote it." };

    private static Command CreateExport(OpsContext context)
    {
        var directory = new Option<DirectoryInfo>("--out") { HelpName = "DIR", Description = "The directory to write: new or empty, unless --force.", Required = true };
        var force = new Option<bool>("--force") { Description = "Write into a directory that is not empty, replacing a backup there." };
        var command = new Command(
            "export",
            "Export every backed-up table to DIR/{table}.jsonl, one entity per line with each property's type, streaming page by "
            + "page; then DIR/manifest.json (format, version, time, source account, per table its row count and SHA-256). "
            + "A directory without a manifest is an export that did not finish. Rows change while the export runs: each table "
            + "is read as it is when its turn comes.")
        {
            directory, force,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var target = parse.GetValue(directory)!.FullName;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                if (!parse.GetValue(force))
                {
                    throw new OpsUsageException($"{target} is not empty: give a new or empty directory, or --force to replace the backup in it.");
                }

                // The old manifest goes first: if this export stops half-way, nothing claims to be a finished backup.
                File.Delete(BackupManifest.PathIn(target));
            }

            Directory.CreateDirectory(target);
            var backup = new TableBackup(await context.LoadStorageAsync(parse, cancellationToken));
            var entries = await OpsProgress.RunAsync(context, async progress =>
            {
                var done = new List<BackupTableEntry>();
                foreach (var table in BackupCatalog.BackedUp)
                {
                    var task = progress.Start(table.Name, total: null);
                    var entry = await backup.ExportAsync(table.Name, target, task.Report, cancellationToken);
                    task.Done(entry.Rows);
                    done.Add(entry);
                }

                return done;
            });

            var manifest = new BackupManifest
            {
                Format = BackupManifest.FormatId,
                Version = BackupManifest.CurrentVersion,
                CreatedAt = context.TimeProvider.GetUtcNow(),
                SourceAccount = backup.AccountName,
                Tables = entries,
            };
            await manifest.WriteAsync(target, cancellationToken);

            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new { directory = target, manifest.Format, manifest.Version, manifest.CreatedAt, manifest.SourceAccount, tables = entries });
                return ExitCodes.Ok;
            }

            await WriteCountsAsync(context.Output, entries.Select(entry => (entry.Table, entry.Rows)));
            await context.Output.WriteLineAsync($"Exported {Rows(entries.Sum(entry => entry.Rows))} from {manifest.SourceAccount} to {target}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateVerify(OpsContext context)
    {
        var directory = DirectoryArgument();
        var command = new Command(
            "verify",
            "Check a backup without touching storage: the manifest is there and this bot's, its version no newer than this "
            + "bot-ops reads, every file has the row count and SHA-256 the manifest says, and every line is an entity. "
            + "Exit 1 when it fails, with one line per problem on standard error.")
        {
            directory,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var source = parse.GetValue(directory)!.FullName;
            var verification = await VerifyAsync(context, source, cancellationToken);
            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new
                {
                    directory = source,
                    valid = verification.IsValid,
                    problems = verification.Problems,
                    format = verification.Manifest?.Format,
                    version = verification.Manifest?.Version,
                    createdAt = verification.Manifest?.CreatedAt,
                    sourceAccount = verification.Manifest?.SourceAccount,
                    tables = verification.Manifest?.Tables ?? [],
                });
            }

            if (!verification.IsValid)
            {
                await WriteProblemsAsync(context, verification);
                return ExitCodes.VerificationFailed;
            }

            if (!context.WantsJson(parse))
            {
                var manifest = verification.Manifest!;
                await WriteCountsAsync(context.Output, manifest.Tables.Select(entry => (entry.Table, entry.Rows)));
                await context.Output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Backup {source} is valid: format version {manifest.Version}, {Rows(manifest.Tables.Sum(entry => entry.Rows))} exported from {manifest.SourceAccount} at {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC."));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateImport(OpsContext context)
    {
        var directory = DirectoryArgument();
        var command = new Command(
            "import",
            "Verify a backup, then write its rows into the tables of the configured account (creating them), replacing rows "
            + "with the same keys, in transactions of one partition. Running it again gives the same tables; rows the backup "
            + "does not have are left alone (delete a table first for an exact restore). Refuses another program's backup or "
            + "a newer format version. Stop the bot first, or it may write over restored rows.")
        {
            directory,
        };
        var confirmation = new Confirmation();
        confirmation.AddTo(command);
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var source = parse.GetValue(directory)!.FullName;
            var verification = await VerifyAsync(context, source, cancellationToken);
            if (!verification.IsValid)
            {
                await WriteProblemsAsync(context, verification);
                await context.Error.WriteLineAsync("Nothing imported.");
                return ExitCodes.VerificationFailed;
            }

            var manifest = verification.Manifest!;
            var total = manifest.Tables.Sum(entry => entry.Rows);
            var dryRun = confirmation.IsDryRun(parse);
            var backup = new TableBackup(await context.LoadStorageAsync(parse, cancellationToken));
            if (!dryRun && !await confirmation.ConfirmAsync(
                parse,
                context,
                $"write {Rows(total)} into {manifest.Tables.Count} tables of {backup.AccountName}, replacing rows with the same keys",
                cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var written = await OpsProgress.RunAsync(context, async progress =>
            {
                var counts = new List<(string Table, long Rows)>();
                foreach (var entry in manifest.Tables)
                {
                    var task = progress.Start(entry.Table, entry.Rows);
                    var rows = await backup.ImportAsync(source, entry, dryRun, task.Report, cancellationToken);
                    task.Done(rows);
                    counts.Add((entry.Table, rows));
                }

                return counts;
            });

            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new
                {
                    directory = source,
                    dryRun,
                    account = backup.AccountName,
                    tables = written.Select(count => new { table = count.Table, rows = count.Rows }),
                });
                return ExitCodes.Ok;
            }

            await WriteCountsAsync(context.Output, written);
            await context.Output.WriteLineAsync(dryRun
                ? $"Dry run: would write {Rows(written.Sum(count => count.Rows))} into {backup.AccountName}; nothing changed."
                : $"Imported {Rows(written.Sum(count => count.Rows))} into {backup.AccountName}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Task<BackupVerification> VerifyAsync(OpsContext context, string directory, CancellationToken cancellationToken) =>
        OpsProgress.RunAsync(context, async progress =>
        {
            var tasks = new Dictionary<string, IOpsProgressTask>(StringComparer.Ordinal);
            var verification = await BackupVerifier.VerifyAsync(
                directory,
                (table, rows) =>
                {
                    if (!tasks.TryGetValue(table, out var task))
                    {
                        tasks[table] = task = progress.Start("verify " + table, total: null);
                    }

                    task.Report(rows);
                },
                cancellationToken);
            return verification;
        });

    private static async Task WriteProblemsAsync(OpsContext context, BackupVerification verification)
    {
        foreach (var problem in verification.Problems)
        {
            await context.Error.WriteLineAsync(problem);
        }
    }

    private static async Task WriteCountsAsync(TextWriter output, IEnumerable<(string Table, long Rows)> counts)
    {
        List<string[]> rows = [["table", "rows"]];
        rows.AddRange(counts.Select(count => new[] { count.Table, count.Rows.ToString(CultureInfo.InvariantCulture) }));
        await TextTable.WriteAsync(output, rows);
    }

    private static string Rows(long count) => count == 1 ? "1 row" : string.Create(CultureInfo.InvariantCulture, $"{count} rows");
}
