using System.CommandLine;
using System.Globalization;
using Serverless.Domain.Controls;
using Serverless.Storage.Controls;
using static Serverless.Ops.Commands.Controls.ControlCommandSupport;

namespace Serverless.Ops.Commands.Controls;

/// <summary><c>limits show|override|reset</c>: per-user and per-guild command limits (token buckets per feature).</summary>
internal static class LimitsCommand
{
    public static Command Create(OpsContext context) =>
        new("limits", "Per-user and per-guild command limits: see a subject's buckets, override a bucket's limit, or refill buckets.")
        {
            CreateShow(context),
            CreateOverride(context),
            CreateReset(context),
            CreateRemoveOverride(context),
        };

    private static Option<string?> BucketOption(bool required, string description) => new("--bucket") { HelpName = "FEATURE", Description = description, Required = required };

    private static Command CreateShow(OpsContext context)
    {
        var user = UserOption();
        var guild = GuildSubjectOption();
        var command = new Command("show", "A user's or guild's buckets (tokens left) and any overrides.") { user, guild };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var subject = Subject(parse, user, guild);
            var now = context.TimeProvider.GetUtcNow();
            var account = await AccountAsync(context, parse, cancellationToken);
            var snapshot = await new TableOperatorControlStore(account).LoadAsync(cancellationToken);
            var overrides = snapshot.LimitOverrides.Where(o => o.Subject == subject && o.IsActive(now)).OrderBy(o => o.Bucket, StringComparer.Ordinal).ToList();
            var limits = CommandLimits(account);
            var buckets = limits is null ? [] : await limits.ReadAsync(subject, cancellationToken);
            if (context.WantsJson(parse))
            {
                await JsonResult.WriteAsync(context.Output, new
                {
                    subject = subject.ToString(),
                    buckets = buckets.Select(b => new { b.Bucket, b.Tokens, b.UpdatedAt }),
                    overrides = overrides.Select(o => new { o.Bucket, o.Policy.Capacity, per = ControlDuration.Format(o.Policy.Per), o.Reason, o.SetBy, o.SetAt, o.ExpiresAt }),
                });
                return ExitCodes.Ok;
            }

            await context.Output.WriteLineAsync(subject.ToString());
            if (limits is null)
            {
                await context.Error.WriteLineAsync("This build has no command limit store: buckets are not shown.");
            }

            var names = buckets.Select(b => b.Bucket).Concat(overrides.Select(o => o.Bucket)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                await context.Output.WriteLineAsync("No buckets in use and no overrides: the defaults apply.");
                return ExitCodes.Ok;
            }

            List<string[]> rows = [["bucket", "tokens", "override", "until (UTC)", "reason"]];
            foreach (var name in names)
            {
                var bucket = buckets.FirstOrDefault(b => b.Bucket == name);
                var item = overrides.FirstOrDefault(o => o.Bucket == name);
                rows.Add(
                [
                    name,
                    bucket is null ? "-" : bucket.Tokens.ToString("0.#", CultureInfo.InvariantCulture),
                    item is null ? "-" : OperatorControlChanges.Describe(item.Policy),
                    item?.ExpiresAt is null ? "-" : Time(item.ExpiresAt),
                    item?.Reason ?? "",
                ]);
            }

            await TextTable.WriteAsync(context.Output, rows, leftAlignedColumns: 1);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateOverride(OpsContext context)
    {
        var user = UserOption();
        var guild = GuildSubjectOption();
        var bucket = BucketOption(required: true, "The bucket: a feature's name (its commands count against it).");
        var capacity = new Option<int>("--capacity") { HelpName = "N", Description = "Commands allowed at once; 0 refuses every command of the bucket.", Required = true };
        var per = new Option<string>("--per") { HelpName = "DURATION", Description = "The bucket refills to capacity over this period, e.g. 30s, 1m.", Required = true };
        var reason = ReasonOption(required: true, "Why, for the audit record.");
        var duration = ForOption();
        var actor = ActorOption();
        var command = new Command("override", "Replace one bucket's limit for a user or guild, until removed or for --for.") { user, guild, bucket, capacity, per, reason, duration, actor };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var subject = Subject(parse, user, guild);
            if (!ControlDuration.TryParse(parse.GetValue(per), out var period, out var problem))
            {
                throw new OpsUsageException("--per: " + problem);
            }

            var expiresAt = Expiry(parse, duration, context);
            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            var result = await changes.OverrideLimitAsync(subject, parse.GetValue(bucket), new LimitPolicy(parse.GetValue(capacity), period), parse.GetValue(reason), Actor(parse, actor), expiresAt, cancellationToken);
            return await ReportAsync(context, parse, result);
        }, cancellationToken));
        return command;
    }

    private static Command CreateReset(OpsContext context)
    {
        var user = UserOption();
        var guild = GuildSubjectOption();
        var bucket = BucketOption(required: false, "Only this bucket (default: every bucket of the subject, which asks for confirmation).");
        var reason = ReasonOption(required: true, "Why, for the audit record.");
        var actor = ActorOption();
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command("reset", "Refill a user's or guild's buckets now, so a limited user may run commands again at once.") { user, guild, bucket, reason, actor });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var subject = Subject(parse, user, guild);
            var name = parse.GetValue(bucket);
            var what = $"reset {(name is null ? "every bucket" : "the " + name + " bucket")} of {subject}";
            if (confirmation.IsDryRun(parse))
            {
                await context.Output.WriteLineAsync($"Would {what}.");
                return ExitCodes.Ok;
            }

            if (name is null && !await confirmation.ConfirmAsync(parse, context, what, cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            return await ReportAsync(context, parse, await changes.ResetLimitAsync(subject, name, Actor(parse, actor), parse.GetValue(reason), cancellationToken));
        }, cancellationToken));
        return command;
    }

    private static Command CreateRemoveOverride(OpsContext context)
    {
        var user = UserOption();
        var guild = GuildSubjectOption();
        var bucket = BucketOption(required: false, "Only this bucket's override (default: every override of the subject).");
        var reason = ReasonOption(required: false, "Why, for the audit record.");
        var actor = ActorOption();
        var command = new Command("remove-override", "End a user's or guild's overrides before they expire: the defaults apply again.") { user, guild, bucket, reason, actor };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var subject = Subject(parse, user, guild);
            var changes = Changes(await AccountAsync(context, parse, cancellationToken), context);
            return await ReportAsync(context, parse, await changes.RemoveLimitOverrideAsync(subject, parse.GetValue(bucket), Actor(parse, actor), parse.GetValue(reason), cancellationToken));
        }, cancellationToken));
        return command;
    }
}
