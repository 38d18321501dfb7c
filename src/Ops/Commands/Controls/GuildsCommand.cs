using System.CommandLine;
using Serverless.Ops.Commands.Backup;
using Serverless.Storage.Controls;
using static Serverless.Ops.Commands.Controls.ControlCommandSupport;

namespace Serverless.Ops.Commands.Controls;

/// <summary><c>guilds block|unblock|list|purge</c>: a guild the bot serves nothing but a short notice, or whose data it deletes.</summary>
internal static class GuildsCommand
{
    /// <summary>Also answers to <c>guild</c>, so <c>bot-ops guild purge ID</c> reads as operators write it.</summary>
    public static Command Create(OpsContext context)
    {
        var command = new Command(
            "guilds",
            "Block a guild (the bot answers only a short notice, queues nothing, and leaves its voice channel), unblock it, "
            + "list blocks, or purge all of one guild's data.")
        {
            CreateBlock(context),
            CreateUnblock(context),
            CreateList(context),
            GuildPurgeCommand.Create(context, account => new TableOperatorControlStore(account)),
        };
        command.Aliases.Add("guild");
        return command;
    }

    private static Argument<ulong> GuildArgument() => new("ID") { Description = "The guild's id." };

    private static Command CreateBlock(OpsContext context)
    {
        var guild = GuildArgument();
        var reason = ReasonOption(required: true, "Why, for operators and the audit record (users see only a short notice).");
        var duration = ForOption();
        var actor = ActorOption();
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command("block", "Block a guild, until unblocked or for --for.") { guild, reason, duration, actor });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var id = parse.GetValue(guild);
            var expiresAt = Expiry(parse, duration, context);
            var what = $"block guild {Id(id)}{(expiresAt is null ? "" : " until " + Time(expiresAt) + " UTC")}";
            if (confirmation.IsDryRun(parse))
            {
                await context.Output.WriteLineAsync($"Would {what}.");
                return ExitCodes.Ok;
            }

            if (!await confirmation.ConfirmAsync(parse, context, what, cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            return await ReportAsync(context, parse, await changes.BlockGuildAsync(id, parse.GetValue(reason), Actor(parse, actor), expiresAt, cancellationToken));
        }, cancellationToken));
        return command;
    }

    private static Command CreateUnblock(OpsContext context)
    {
        var guild = GuildArgument();
        var reason = ReasonOption(required: false, "Why, for the audit record.");
        var actor = ActorOption();
        var command = new Command("unblock", "Serve a blocked guild again.") { guild, reason, actor };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            return await ReportAsync(context, parse, await changes.UnblockGuildAsync(parse.GetValue(guild), Actor(parse, actor), parse.GetValue(reason), cancellationToken));
        }, cancellationToken));
        return command;
    }

    private static Command CreateList(OpsContext context)
    {
        var all = new Option<bool>("--all") { Description = "Also show blocks that have expired." };
        var command = new Command("list", "List blocked guilds: guild, until, blocked by, reason.") { all };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var now = context.TimeProvider.GetUtcNow();
            var snapshot = await new TableOperatorControlStore(await AccountAsync(context, parse, cancellationToken)).LoadAsync(cancellationToken);
            var blocks = snapshot.Blocks.Where(b => parse.GetValue(all) || b.IsActive(now)).OrderBy(b => b.GuildId).ToList();
            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, blocks.Select(b => new { guildId = Id(b.GuildId), b.Reason, b.BlockedBy, b.BlockedAt, b.ExpiresAt, active = b.IsActive(now) }));
                return ExitCodes.Ok;
            }

            if (blocks.Count == 0)
            {
                await context.Output.WriteLineAsync("No guild is blocked.");
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["guild", "until (UTC)", "blocked by", "reason"]];
            rows.AddRange(blocks.Select(b => new[] { Id(b.GuildId), b.ExpiresAt is null ? "-" : Time(b.ExpiresAt) + (b.IsActive(now) ? "" : " (expired)"), b.BlockedBy, b.Reason }));
            await TextTable.WriteAsync(context.Output, rows, leftAlignedColumns: 4);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
