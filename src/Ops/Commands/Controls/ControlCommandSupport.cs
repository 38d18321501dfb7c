using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Storage;
using Serverless.Storage.Controls;

namespace Serverless.Ops.Commands.Controls;

/// <summary>What the operator-control commands share: the stores, the actor, options and output helpers.</summary>
internal static class ControlCommandSupport
{
    /// <summary>The catalog the bot runs with: targets and buckets are checked against it.</summary>
    public static FeatureCatalog Catalog => FeatureCatalog.From(CommandCatalog.Features);

    public static Option<string?> ActorOption() => new("--as") { HelpName = "NAME", Description = "Who is making the change, for the audit record (default: your user name)." };

    public static Option<string?> ReasonOption(bool required, string description) => new("--reason") { HelpName = "TEXT", Description = description, Required = required };

    public static Option<string?> ForOption() => new("--for") { HelpName = "DURATION", Description = "How long, e.g. 30m, 2h, 7d (default: until undone)." };

    public static Option<ulong?> UserOption() => new("--user") { HelpName = "ID", Description = "A user's limits." };

    public static Option<ulong?> GuildSubjectOption() => new("--guild") { HelpName = "ID", Description = "A guild's limits (its members together)." };

    public static string Actor(ParseResult parse, Option<string?> actor)
    {
        var name = parse.GetValue(actor)?.Trim();
        return ControlActor.Operator(string.IsNullOrEmpty(name) ? Environment.UserName : name);
    }

    public static async Task<StorageAccount> AccountAsync(OpsContext context, ParseResult parse, CancellationToken cancellationToken) =>
        await context.LoadStorageAsync(parse, cancellationToken);

    /// <summary>
    /// The command limits' token buckets, from the same registrations as the Functions app (<c>AddStorage</c>), so
    /// this tool reads and resets the very rows the bot uses; null when this build has none.
    /// </summary>
    public static ICommandLimitStore? CommandLimits(StorageAccount account)
    {
        var services = new ServiceCollection();
        services.AddSingleton(account);
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider().GetService<ICommandLimitStore>();
    }

    public static OperatorControlChanges Changes(StorageAccount account, OpsContext context) =>
        new(new TableOperatorControlStore(account), CommandLimits(account), Catalog, context.TimeProvider);

    public static DateTimeOffset? Expiry(ParseResult parse, Option<string?> duration, OpsContext context)
    {
        var text = parse.GetValue(duration);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return ControlDuration.TryParse(text, out var span, out var problem)
            ? context.TimeProvider.GetUtcNow() + span
            : throw new OpsUsageException("--for: " + problem);
    }

    public static LimitSubject Subject(ParseResult parse, Option<ulong?> user, Option<ulong?> guild)
    {
        var userId = parse.GetValue(user);
        var guildId = parse.GetValue(guild);
        if ((userId is null) == (guildId is null))
        {
            throw new OpsUsageException("Give either --user ID or --guild ID.");
        }

        return userId is { } id ? new LimitSubject(LimitSubjectKind.User, id) : new LimitSubject(LimitSubjectKind.Guild, guildId!.Value);
    }

    /// <summary>Prints the change's message (stdout) or its refusal (stderr, exit 2); with --output json, the result as JSON.</summary>
    public static async Task<int> ReportAsync(OpsContext context, ParseResult parse, ControlChangeResult result)
    {
        if (result.Refused)
        {
            await context.Error.WriteLineAsync(result.Message);
            return ExitCodes.UsageOrConfiguration;
        }

        if (context.WantsJson(parse))
        {
            await JsonResult.WriteAsync(context.Output, new { changed = result.Changed, message = result.Message, audit = result.Audit is { } audit ? AuditJson.From(audit) : null });
        }
        else
        {
            await context.Output.WriteLineAsync(result.Message);
        }

        return ExitCodes.Ok;
    }

    public static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    public static string Id(ulong? id) => id is { } value ? Id(value) : "";

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>An audit entry as JSON: the record's own field names.</summary>
internal sealed record AuditJson(DateTimeOffset At, string Actor, string Action, string Target, string Reason, string? Detail)
{
    public static AuditJson From(ControlAuditEntry entry) => new(entry.At, entry.Actor, entry.Action, entry.Target, entry.Reason, entry.Detail);
}
