using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Projections;
using Serverless.Storage.Projections;

namespace Serverless.Ops.Commands;

/// <summary>
/// <c>projections list|show|rebuild</c>: the dashboards the bot keeps as single Discord messages, their state, and
/// rendering them again (one, a guild's, or all) through the <c>projections</c> queue.
/// </summary>
internal static class ProjectionsCommand
{
    public static Command Create(OpsContext context) =>
        new("projections", "Inspect the bot's dashboards (projections) and rebuild them.")
        {
            CreateList(context),
            CreateShow(context),
            CreateRebuild(context),
        };

    private static Command CreateList(OpsContext context)
    {
        var guild = new Option<ulong?>("--guild") { HelpName = "ID", Description = "Only this guild's projections." };
        var command = new Command("list", "List projections: key, channel, message, version shown / latest, state.")
        {
            guild,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var store = new TableProjectionStore(await context.LoadStorageAsync(parse, cancellationToken));
            var states = await store.ListAsync(parse.GetValue(guild), cancellationToken);
            var listedAt = context.TimeProvider.GetUtcNow();
            await context.WriteResultAsync(parse, new ListResult([.. states.Select(state => ProjectionJson.From(state, listedAt))]), async output =>
            {
                if (states.Count == 0)
                {
                    await output.WriteLineAsync("No projections.");
                    return;
                }

                List<string[]> rows = [["key", "channel", "message", "shown/latest", "state", "stale for"]];
                rows.AddRange(states.Select(state => new[]
                {
                    state.Key.ToString(),
                    Format(state.ChannelId),
                    Format(state.MessageId),
                    string.Create(CultureInfo.InvariantCulture, $"{state.PublishedVersion}/{state.Version}"),
                    ProjectionJson.StateOf(state),
                    ProjectionJson.FormatStaleness(ProjectionJson.StalenessOf(state, listedAt)),
                }));
                await TextTable.WriteAsync(output, rows, leftAlignedColumns: 3);
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateShow(OpsContext context)
    {
        var key = KeyArgument(required: true);
        var command = new Command("show", "Print every field of one projection.")
        {
            key,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var projectionKey = ParseKey(parse.GetValue(key));
            var store = new TableProjectionStore(await context.LoadStorageAsync(parse, cancellationToken));
            var state = await store.GetAsync(projectionKey!, cancellationToken)
                ?? throw new OpsUsageException($"No projection {projectionKey}; 'projections list' shows them.");
            var json = ProjectionJson.From(state, context.TimeProvider.GetUtcNow());
            await context.WriteResultAsync(parse, json, async output =>
            {
                foreach (var (name, value) in json.Fields())
                {
                    await output.WriteLineAsync($"{name + ":",-22}{value}");
                }
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRebuild(OpsContext context)
    {
        var key = KeyArgument(required: false);
        var guild = new Option<ulong?>("--guild") { HelpName = "ID", Description = "Every projection of this guild." };
        var all = new Option<bool>("--all") { Description = "Every projection of every guild." };
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "rebuild",
            "Render projections again from stored state and make their messages show it, whatever they show now: clears a "
            + "broken state and queues a refresh on 'projections' for each (a gone message is posted again). KEY, --guild or --all. "
            + "Asks for confirmation (or --yes) unless only KEY is named.")
        {
            key, guild, all,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var projectionKey = ParseKey(parse.GetValue(key));
            var guildId = parse.GetValue(guild);
            var everything = parse.GetValue(all);
            if ((projectionKey is null ? 0 : 1) + (guildId is null ? 0 : 1) + (everything ? 1 : 0) != 1)
            {
                throw new OpsUsageException("Name what to rebuild: a KEY, --guild ID, or --all (one of them).");
            }

            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var projectionOptions = await context.LoadProjectionOptionsAsync(parse, cancellationToken);
            var store = new TableProjectionStore(account);
            IReadOnlyList<ProjectionKey> keys = projectionKey is not null
                ? [projectionKey]
                : [.. (await store.ListAsync(guildId, cancellationToken)).Select(state => state.Key)];
            var scope = projectionKey?.ToString() ?? (guildId is { } id ? $"guild {id}" : "every guild");
            if (confirmation.IsDryRun(parse))
            {
                await context.WriteResultAsync(parse, new RebuildResult(true, [.. keys.Select(k => k.ToString())], []), output =>
                    output.WriteLineAsync($"Dry run: would rebuild {keys.Count} projection(s) of {scope}; nothing changed."));
                return ExitCodes.Ok;
            }

            if (projectionKey is null && !await confirmation.ConfirmAsync(parse, context, $"rebuild {keys.Count} projection(s) of {scope}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var changes = new ProjectionChanges(
                store,
                new AzureProjectionRefreshQueue(account, context.TimeProvider),
                Options.Create(projectionOptions),
                context.TimeProvider,
                NullLogger<ProjectionChanges>.Instance);
            var correlationId = Guid.CreateVersion7(context.TimeProvider.GetUtcNow()).ToString("N");
            var (rebuilt, missing) = await OpsProgress.RunAsync(context, async progress =>
            {
                var task = progress.Start("rebuild projections", keys.Count);
                List<string> done = [];
                List<string> unknown = [];
                foreach (var projection in keys)
                {
                    (await changes.RebuildAsync(projection, correlationId, cancellationToken) ? done : unknown).Add(projection.ToString());
                    task.Report(done.Count + unknown.Count);
                }

                task.Done(done.Count + unknown.Count);
                return (done, unknown);
            });
            await context.WriteResultAsync(parse, new RebuildResult(false, rebuilt, missing), async output =>
            {
                await output.WriteLineAsync($"Queued a rebuild of {rebuilt.Count} projection(s) of {scope} (correlation id {correlationId}).");
                foreach (var gone in missing)
                {
                    await output.WriteLineAsync($"No projection {gone}; skipped.");
                }
            });
            return missing.Count > 0 && projectionKey is not null ? ExitCodes.UsageOrConfiguration : ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Argument<string?> KeyArgument(bool required) => new("KEY")
    {
        Description = "The projection, {feature}/{subject}/{guild id}, e.g. duels/scoreboard/123456789012345678.",
        Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
    };

    private static ProjectionKey? ParseKey(string? text) =>
        text is null ? null
        : ProjectionKey.TryParse(text, out var key) ? key
        : throw new OpsUsageException($"'{text}' is not a projection key: {{feature}}/{{subject}}/{{guild id}}, e.g. duels/scoreboard/123456789012345678.");

    private static string Format(ulong? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private sealed record ListResult(IReadOnlyList<ProjectionJson> Projections);

    private sealed record RebuildResult(bool DryRun, IReadOnlyList<string> Rebuilt, IReadOnlyList<string> Missing);

    private sealed record ProjectionJson(
        string Key,
        string GuildId,
        string Feature,
        string Subject,
        string? ChannelId,
        string? MessageId,
        string? LogChannelId,
        long Version,
        long PublishedVersion,
        DateTimeOffset? PublishedAt,
        DateTimeOffset? DirtySince,
        double? StaleSeconds,
        DateTimeOffset? RefreshPendingUntil,
        int Generation,
        int EditRefusals,
        string State,
        string? BrokenReason)
    {
        public static ProjectionJson From(ProjectionState state, DateTimeOffset now) => new(
            state.Key.ToString(),
            state.Key.GuildId.ToString(CultureInfo.InvariantCulture),
            state.Key.Feature,
            state.Key.Subject,
            state.ChannelId?.ToString(CultureInfo.InvariantCulture),
            state.MessageId?.ToString(CultureInfo.InvariantCulture),
            state.LogChannelId?.ToString(CultureInfo.InvariantCulture),
            state.Version,
            state.PublishedVersion,
            state.PublishedAt,
            state.DirtySince,
            StalenessOf(state, now)?.TotalSeconds,
            state.RefreshPendingUntil,
            state.Generation,
            state.EditRefusals,
            StateOf(state),
            state.BrokenReason);

        /// <summary>One word for the list: broken, unplaced, current, or stale (a refresh should be on its way).</summary>
        public static string StateOf(ProjectionState state) =>
            state.BrokenReason is not null ? "broken"
            : state.ChannelId is null ? "unplaced"
            : state.IsCurrent ? "current"
            : "stale";

        /// <summary>How long the message has not shown the oldest change it misses; null when it shows everything.</summary>
        public static TimeSpan? StalenessOf(ProjectionState state, DateTimeOffset now) =>
            state.IsCurrent || state.DirtySince is not { } since ? null
            : now > since ? now - since
            : TimeSpan.Zero;

        public static string FormatStaleness(TimeSpan? staleness) =>
            staleness is { } age ? age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

        public IEnumerable<(string Name, string Value)> Fields()
        {
            yield return ("key", Key);
            yield return ("state", State);
            yield return ("channel", ChannelId ?? "-");
            yield return ("message", MessageId ?? "-");
            yield return ("log channel", LogChannelId ?? "-");
            yield return ("version", Version.ToString(CultureInfo.InvariantCulture));
            yield return ("published version", PublishedVersion.ToString(CultureInfo.InvariantCulture));
            yield return ("published at (UTC)", When(PublishedAt));
            yield return ("dirty since (UTC)", When(DirtySince));
            yield return ("stale for", FormatStaleness(StaleSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null));
            yield return ("refresh pending until", When(RefreshPendingUntil));
            yield return ("generation", Generation.ToString(CultureInfo.InvariantCulture));
            yield return ("edit refusals", EditRefusals.ToString(CultureInfo.InvariantCulture));
            yield return ("broken reason", BrokenReason ?? "-");
        }

        private static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
    }
}
