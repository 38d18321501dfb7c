using System.CommandLine;
using System.Globalization;
using Serverless.Domain.Controls;
using Serverless.Ops.Commands.Controls;
using Serverless.Storage;
using Serverless.Storage.Backup;

namespace Serverless.Ops.Commands.Backup;

/// <summary><c>guilds purge ID</c> (also <c>guild purge ID</c>): deletes every row of one guild, on the guild's request, and records that it did.</summary>
internal static class GuildPurgeCommand
{
    /// <summary>What a purge cannot reach, told to the operator every time.</summary>
    public const string NotDeleted =
        "Not deleted: messages the bot already posted in Discord (delete them in Discord), work already queued for the guild "
        + "(it finds nothing to act on), operator controls and the audit record (guilds unblock and features enable remove "
        + "controls), and backups taken before now.";

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
        var actor = ControlCommandSupport.ActorOption();
        var purge = new Command(
            "purge",
            "Delete every row of one guild: " + string.Join(", ", BackupCatalog.WithGuildRows.Select(table => table.Name)) + ". "
            + "Records the purge in the operator audit first. --dry-run counts the rows per table. " + NotDeleted)
        {
            guild, reason, actor,
        };
        var confirmation = new Confirmation();
        confirmation.AddTo(purge);
        purge.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var guildId = parse.GetValue(guild);
            var id = guildId.ToString(CultureInfo.InvariantCulture);
            var account = await context.LoadStorageAsync(parse, cancellationToken);
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
                        Actor = ControlCommandSupport.Actor(parse, actor),
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

        return purge;
    }
}
