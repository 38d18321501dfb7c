using System.CommandLine;
using Serverless.Domain.Controls;
using Serverless.Storage.Controls;
using static Serverless.Ops.Commands.Controls.ControlCommandSupport;

namespace Serverless.Ops.Commands.Controls;

/// <summary><c>features list|disable|enable</c>: kill switches on a command, a subcommand or a whole feature.</summary>
internal static class FeaturesCommand
{
    public static Command Create(OpsContext context) =>
        new("features", "Turn commands, subcommands or whole features off and on, everywhere or in one guild, without a redeploy (every instance within 30 s).")
        {
            CreateList(context),
            CreateDisable(context),
            CreateEnable(context),
        };

    private static Argument<string> TargetArgument() => new("TARGET") { Description = "A command path (/schedule, \"/schedule create\") or feature:NAME." };

    private static Option<ulong?> GuildOption(string description) => new("--guild") { HelpName = "ID", Description = description };

    private static Command CreateList(OpsContext context)
    {
        var all = new Option<bool>("--all") { Description = "Also show switches that have expired (kept until replaced or removed)." };
        var command = new Command("list", "List the features and commands, and every switch that turns one off: target, scope, until, reason, set by.") { all };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var now = context.TimeProvider.GetUtcNow();
            var snapshot = await new TableOperatorControlStore(await AccountAsync(context, parse, cancellationToken)).LoadAsync(cancellationToken);
            var switches = snapshot.Switches
                .Where(s => parse.GetValue(all) || s.IsActive(now))
                .OrderBy(s => s.Target.ToString(), StringComparer.Ordinal).ThenBy(s => s.GuildId)
                .ToList();
            var catalog = Catalog;
            var features = catalog.Routes.Select(r => r.Feature).Distinct(StringComparer.Ordinal).Select(feature => new
            {
                feature,
                commands = catalog.Commands.Where(c => catalog.Find(Domain.Commands.RouteKind.Command, c.Name)?.Feature == feature).Select(c => "/" + c.Name).ToList(),
            }).ToList();
            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new
                {
                    features,
                    switches = switches.Select(s => new { target = s.Target.ToString(), guildId = s.GuildId is { } g ? Id(g) : null, s.Reason, s.SetBy, s.SetAt, s.ExpiresAt, active = s.IsActive(now) }),
                });
                return ExitCodes.Ok;
            }

            await context.Output.WriteLineAsync("features: " + string.Join(", ", features.Select(f => f.commands.Count == 0 ? f.feature : $"{f.feature} ({string.Join(" ", f.commands)})")));
            if (switches.Count == 0)
            {
                await context.Output.WriteLineAsync("Nothing is turned off.");
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["target", "scope", "until (UTC)", "set by", "reason"]];
            rows.AddRange(switches.Select(s => new[]
            {
                s.Target.ToString(),
                s.GuildId is { } g ? "guild " + Id(g) : "everywhere",
                s.ExpiresAt is null ? "-" : Time(s.ExpiresAt) + (s.IsActive(now) ? "" : " (expired)"),
                s.SetBy,
                s.Reason,
            }));
            await TextTable.WriteAsync(context.Output, rows, leftAlignedColumns: 5);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateDisable(OpsContext context)
    {
        var target = TargetArgument();
        var guild = GuildOption("Only in this guild (default: everywhere).");
        var reason = ReasonOption(required: true, "Why: users who reach it see this, as written (at most 200 characters).");
        var duration = ForOption();
        var actor = ActorOption();
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command("disable", "Turn a command, subcommand or feature off; users get a polite ephemeral answer with the reason. Turning one off everywhere asks for confirmation.")
        {
            target, guild, reason, duration, actor,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var parsed = ParseTarget(parse.GetValue(target));
            var expiresAt = Expiry(parse, duration, context);
            var scope = parse.GetValue(guild);
            var what = $"turn off {parsed} {(scope is { } g ? "in guild " + Id(g) : "everywhere")}";
            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            if (changes.CheckTarget(parsed) is { } problem)
            {
                throw new OpsUsageException(problem);
            }

            if (confirmation.IsDryRun(parse))
            {
                await context.Output.WriteLineAsync($"Would {what}.");
                return ExitCodes.Ok;
            }

            if (scope is null && !await confirmation.ConfirmAsync(parse, context, what, cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            return await ReportAsync(context, parse, await changes.DisableAsync(parsed, scope, parse.GetValue(reason), Actor(parse, actor), expiresAt, cancellationToken));
        }, cancellationToken));
        return command;
    }

    private static Command CreateEnable(OpsContext context)
    {
        var target = TargetArgument();
        var guild = GuildOption("The switch of this guild (default: the one that applies everywhere).");
        var reason = ReasonOption(required: false, "Why, for the audit record.");
        var actor = ActorOption();
        var command = new Command("enable", "Turn a command, subcommand or feature back on (removes the switch of that scope).") { target, guild, reason, actor };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var parsed = ParseTarget(parse.GetValue(target));
            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            return await ReportAsync(context, parse, await changes.EnableAsync(parsed, parse.GetValue(guild), Actor(parse, actor), parse.GetValue(reason), cancellationToken));
        }, cancellationToken));
        return command;
    }

    private static ControlTarget ParseTarget(string? text) =>
        ControlTarget.TryParse(text, out var target, out var problem) ? target : throw new OpsUsageException(problem);
}
