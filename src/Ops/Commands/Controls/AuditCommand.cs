using System.CommandLine;
using System.Globalization;
using Serverless.Storage.Controls;
using static Serverless.Ops.Commands.Controls.ControlCommandSupport;

namespace Serverless.Ops.Commands.Controls;

/// <summary><c>audit list</c>: every change to the operator controls, newest first: who, when, what, why.</summary>
internal static class AuditCommand
{
    public const int DefaultMax = 50;

    public static Command Create(OpsContext context) =>
        new("audit", "The record of changes to kill switches, guild blocks and command limits, from bot-ops and /admin alike.")
        {
            CreateList(context),
        };

    private static Command CreateList(OpsContext context)
    {
        var since = new Option<string?>("--since") { HelpName = "DATE", Description = "Only changes at or after this UTC date or time, e.g. 2026-12-01 or 2026-12-01T09:30." };
        var max = new Option<int>("--max") { HelpName = "N", Description = $"At most this many (default {DefaultMax}).", DefaultValueFactory = _ => DefaultMax };
        var command = new Command("list", "List changes, newest first: when (UTC), actor, action, target, detail, reason.") { since, max };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                from = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                    ? parsed
                    : throw new OpsUsageException($"--since: '{text}' is not a date; write it like 2026-12-01 or 2026-12-01T09:30.");
            }

            var count = parse.GetValue(max);
            if (count is < 1 or > 10_000)
            {
                throw new OpsUsageException("--max must be between 1 and 10000.");
            }

            var store = new TableOperatorControlStore(await AccountAsync(context, parse, cancellationToken));
            var entries = await store.ListAuditAsync(from, count, cancellationToken);
            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, entries.Select(AuditJson.From));
                return ExitCodes.Ok;
            }

            if (entries.Count == 0)
            {
                await context.Output.WriteLineAsync("No changes recorded.");
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["when (UTC)", "actor", "action", "target", "detail", "reason"]];
            rows.AddRange(entries.Select(e => new[] { e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target, e.Detail ?? "", e.Reason }));
            await TextTable.WriteAsync(context.Output, rows, leftAlignedColumns: 6);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
