using System.CommandLine;
using System.Globalization;
using Serverless.Domain.Controls;
using Serverless.Storage;
using Serverless.Storage.Backup;

namespace Serverless.Ops.Commands.Backup;

/// <summary><c>guild purge ID</c>: deletes every row of one guild, on the guild's request, and records that it did.</summary>
internal static class GuildCommand
{
    /// <summary>What a purge cannot reach, told to the operator every time.</summary>
    public const string NotDeleted =
        "Not deleted: messages the bot already posted in Discord (delete them in Discord), work already queued for the guild "
        + "(it finds nothing to act on), operator controls and the audit record (guilds unblock and features enable remove "
        + "controls), and backups taken before now.";

    /// <summary>Until the operator-control store is wired: refuses, before deleting anything, since the purge could not be recorded.</summary>
    public static IOperatorControlStore AuditStoreNotWired(StorageAccount account) =>
        throw new OpsUsageException("guild purge cannot record the purge: this build of bot-ops has no operator audit store; nothing deleted.");

    /// <param name="auditStore">The store the purge is recorded in, built for the configured account.</param>
    public static Command Create(OpsContext context, Func<StorageAccount, IOperatorControlStore> auditStore)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auditStore);
        var guild = new Argument<ulong>("ID") { Description = "The guild's id." };
        var reason = new Option<string>("--reason")
        {
            HelpName = "TEXT",
            Description = "Why, for the audit record (a ticket, a request).",
            DefaultValueFactory = _ => "deletion requested by the guild",
        };
        var purge = new Command(
            "purge",
            "Delete every row of one guild: " + string.Join(", ", BackupCatalog.WithGuildRows.Select(table => table.Name)) + ". "
            + "Records the purge in the operator audit first. --dry-run counts the rows per table. " + NotDeleted)
        {
            guild, reason,
        };
        var confirmation = new Confirmation();
        confirmation.AddTo(purge);
        purge.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var guildId = parse.GetValue(guild);
            var id = guildId.ToString(CultureInfo.InvariantCulture);
            var account = await OpsSettings.LoadStorageAsync(context.Environment, context.SettingsFile(parse), cancellationToken);
            var data = new GuildDataPurge(account);
            var dryRun = confirmation.IsDryRun(parse);
            IReadOnlyList<GuildRowCount> counts;
            if (dryRun)
            {
                counts = await data.CountAsync(guildId, cancellationToken);
            }
            else
            {
                if (!await confirmation.ConfirmAsync(parse, context, $"delete every row of guild {id} from {BackupCatalog.WithGuildRows.Count} tables", cancellationToken))
                {
                    return ExitCodes.UsageOrConfiguration;
                }

                // The record first, as for every control: no purge without its trace.
                await auditStore(account).AppendAuditAsync(
                    new ControlAuditEntry
                    {
                        At = context.TimeProvider.GetUtcNow(),
                        Actor = ControlActor.Operator(OperatorName(context.Environment)),
                        Action = ControlActions.GuildPurged,
                        Target = id,
                        Reason = parse.GetValue(reason) ?? "",
                        Detail = "tables: " + string.Join(", ", BackupCatalog.WithGuildRows.Select(table => table.Name)),
                    },
                    cancellationToken);
                counts = await data.PurgeAsync(
                    guildId,
                    count => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count.Table}: deleted {count.Rows}")),
                    cancellationToken);
            }

            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new
                {
                    guildId = id,
                    dryRun,
                    tables = counts.Select(count => new { table = count.Table, rows = count.Rows }),
                    notDeleted = NotDeleted,
                });
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["table", dryRun ? "rows" : "deleted"]];
            rows.AddRange(counts.Select(count => new[] { count.Table, count.Rows.ToString(CultureInfo.InvariantCulture) }));
            await TextTable.WriteAsync(context.Output, rows);
            var total = counts.Sum(count => count.Rows);
            await context.Output.WriteLineAsync(dryRun
                ? string.Create(CultureInfo.InvariantCulture, $"Dry run: would delete {total} rows of guild {id}; nothing changed.")
                : string.Create(CultureInfo.InvariantCulture, $"Deleted {total} rows of guild {id}."));
            await context.Output.WriteLineAsync(NotDeleted);
            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("guild", "Act on all of one guild's data.") { purge };
    }

    private static readonly string[] OperatorNameVariables = ["BOT_OPS_OPERATOR", "USER", "USERNAME"];

    /// <summary>Who runs the tool, for the audit record: the signed-in user's name, as the shell has it.</summary>
    private static string OperatorName(IReadOnlyDictionary<string, string?> environment) =>
        OperatorNameVariables
            .Select(key => environment.TryGetValue(key, out var value) ? value : null)
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))
            ?? "bot-ops";
}
