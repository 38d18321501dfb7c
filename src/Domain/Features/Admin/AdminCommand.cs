using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;

namespace Serverless.Domain.Features.Admin;

/// <summary>
/// <c>/admin</c>: kill switches, guild blocks, command limits and the audit record, for the bot's owners only
/// (<see cref="BotOwners"/>): Discord's <c>default_member_permissions</c> is left unset because owners are often not
/// administrators of the guild they act from, so this handler checks. Deferred: the owner check may ask Discord, and
/// a change writes twice to storage. Every change goes through <see cref="OperatorControlChanges"/>.
/// </summary>
public sealed partial class AdminCommand(BotOwners owners, OperatorControlChanges changes, TimeProvider timeProvider, ILogger<AdminCommand> logger) : ICommandHandler
{
    public const string Name = "admin";

    public const string NotAnOwner = "Only the bot's owners can use /admin.";

    public const int MaxListed = 25;

    private static readonly CommandOptionDefinition ReasonRequired = new() { Name = "reason", Description = "Why; for a switch, users see it", Type = CommandOptionType.String, Required = true, MaxLength = OperatorControlChanges.MaxReasonLength };
    private static readonly CommandOptionDefinition ReasonOptional = ReasonRequired with { Description = "Why, for the audit record", Required = false };
    private static readonly CommandOptionDefinition Duration = new() { Name = "duration", Description = "How long, e.g. 30m, 2h, 7d (default: until undone)", Type = CommandOptionType.String, MaxLength = 20 };
    private static readonly CommandOptionDefinition Target = new() { Name = "target", Description = "A command path like /schedule create, or feature:NAME", Type = CommandOptionType.String, Required = true, MaxLength = 100 };
    private static readonly CommandOptionDefinition SwitchGuild = new() { Name = "guild", Description = "A guild id, or 'here' (default: everywhere)", Type = CommandOptionType.String, MaxLength = 20 };
    private static readonly CommandOptionDefinition BlockGuild = new() { Name = "guild", Description = "A guild id (default: this guild)", Type = CommandOptionType.String, MaxLength = 20 };
    private static readonly CommandOptionDefinition LimitUser = new() { Name = "user", Description = "The user whose limits these are", Type = CommandOptionType.User };
    private static readonly CommandOptionDefinition LimitGuild = new() { Name = "guild", Description = "Or a guild id (its members together)", Type = CommandOptionType.String, MaxLength = 20 };

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Operator controls for the bot's owners: switches, blocks, limits",
        Contexts = [CommandContext.Guild, CommandContext.BotDm],
        ResponseMode = CommandResponseMode.Deferred,
        Ephemeral = true,
        Options =
        [
            Group("feature", "Turn commands or features off and on",
                Sub("disable", "Turn a command or feature off, with a reason users see", Target, ReasonRequired, SwitchGuild, Duration),
                Sub("enable", "Turn a command or feature back on", Target, SwitchGuild, ReasonOptional),
                Sub("list", "List what is turned off")),
            Group("guild", "Block or unblock a guild",
                Sub("block", "Serve a guild nothing but a short notice", ReasonRequired, BlockGuild, Duration),
                Sub("unblock", "Serve a blocked guild again", BlockGuild, ReasonOptional),
                Sub("list", "List blocked guilds")),
            Group("limits", "Per-user and per-guild command limits",
                Sub("override", "Replace a bucket's limit for a user or guild",
                    new CommandOptionDefinition { Name = "bucket", Description = "The feature whose commands the bucket counts", Type = CommandOptionType.String, Required = true, MaxLength = 40 },
                    new CommandOptionDefinition { Name = "capacity", Description = "Commands allowed at once (0 refuses all)", Type = CommandOptionType.Integer, Required = true, MinValue = 0, MaxValue = OperatorControlChanges.MaxCapacity },
                    new CommandOptionDefinition { Name = "per", Description = "Refilled over this period, e.g. 30s, 1m", Type = CommandOptionType.String, Required = true, MaxLength = 20 },
                    ReasonRequired, LimitUser, LimitGuild, Duration),
                Sub("reset", "Refill a user's or guild's buckets now", ReasonRequired, LimitUser, LimitGuild,
                    new CommandOptionDefinition { Name = "bucket", Description = "Only this bucket (default: all)", Type = CommandOptionType.String, MaxLength = 40 }),
                Sub("show", "Show a user's or guild's overrides", LimitUser, LimitGuild)),
            Sub("audit", "Recent changes to the controls: who, when, what, why",
                new CommandOptionDefinition { Name = "max", Description = "How many (default 10)", Type = CommandOptionType.Integer, MinValue = 1, MaxValue = MaxListed }),
        ],
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var isOwner = await owners.IsOwnerAsync(invocation.UserId, cancellationToken);
        if (isOwner != true)
        {
            Log.Refused(logger, invocation.UserId, invocation.GuildId, isOwner is null ? "owners unknown" : "not an owner");
            return Answer(isOwner is null ? "I couldn't learn the bot's owners from Discord just now; try again in a moment." : NotAnOwner);
        }

        var options = invocation.Options;
        var actor = ControlActor.DiscordUser(invocation.UserId);
        var reply = options.GetValueOrDefault("subcommand") switch
        {
            "feature disable" => await DisableAsync(invocation, actor, cancellationToken),
            "feature enable" => await EnableAsync(invocation, actor, cancellationToken),
            "feature list" => await ListSwitchesAsync(cancellationToken),
            "guild block" => await BlockAsync(invocation, actor, cancellationToken),
            "guild unblock" => await UnblockAsync(invocation, actor, cancellationToken),
            "guild list" => await ListBlocksAsync(cancellationToken),
            "limits override" => await OverrideAsync(invocation, actor, cancellationToken),
            "limits reset" => await ResetAsync(invocation, actor, cancellationToken),
            "limits show" => await ShowLimitsAsync(invocation, cancellationToken),
            "audit" => await AuditAsync(options, cancellationToken),
            _ => Answer("Discord sent an `/admin` subcommand I don't know; the command list may be out of date."),
        };
        return reply;
    }

    private async Task<CommandReply> DisableAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!ControlTarget.TryParse(options.GetValueOrDefault("target"), out var target, out var problem)
            || !TryGuild(options.GetValueOrDefault("guild"), invocation.GuildId, null, out var guild, out problem)
            || !TryExpiry(options.GetValueOrDefault("duration"), out var expiresAt, out problem))
        {
            return Answer(problem);
        }

        return Changed(invocation, await changes.DisableAsync(target, guild, options.GetValueOrDefault("reason"), actor, expiresAt, cancellationToken));
    }

    private async Task<CommandReply> EnableAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!ControlTarget.TryParse(options.GetValueOrDefault("target"), out var target, out var problem)
            || !TryGuild(options.GetValueOrDefault("guild"), invocation.GuildId, null, out var guild, out problem))
        {
            return Answer(problem);
        }

        return Changed(invocation, await changes.EnableAsync(target, guild, actor, options.GetValueOrDefault("reason"), cancellationToken));
    }

    private async Task<CommandReply> BlockAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!TryGuild(options.GetValueOrDefault("guild"), invocation.GuildId, invocation.GuildId, out var guild, out var problem)
            || !TryExpiry(options.GetValueOrDefault("duration"), out var expiresAt, out problem))
        {
            return Answer(problem);
        }

        return guild is { } id
            ? Changed(invocation, await changes.BlockGuildAsync(id, options.GetValueOrDefault("reason"), actor, expiresAt, cancellationToken))
            : Answer("Give the guild's id: in a DM there is no \"this guild\".");
    }

    private async Task<CommandReply> UnblockAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!TryGuild(options.GetValueOrDefault("guild"), invocation.GuildId, invocation.GuildId, out var guild, out var problem))
        {
            return Answer(problem);
        }

        return guild is { } id
            ? Changed(invocation, await changes.UnblockGuildAsync(id, actor, options.GetValueOrDefault("reason"), cancellationToken))
            : Answer("Give the guild's id: in a DM there is no \"this guild\".");
    }

    private async Task<CommandReply> OverrideAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        var options = invocation.Options;
        if (!TrySubject(invocation, out var subject, out var problem)
            || !TryExpiry(options.GetValueOrDefault("duration"), out var expiresAt, out problem))
        {
            return Answer(problem);
        }

        if (!int.TryParse(options.GetValueOrDefault("capacity"), NumberStyles.None, CultureInfo.InvariantCulture, out var capacity))
        {
            return Answer("Give the capacity as a whole number.");
        }

        if (!ControlDuration.TryParse(options.GetValueOrDefault("per"), out var per, out problem))
        {
            return Answer(problem);
        }

        var result = await changes.OverrideLimitAsync(subject, options.GetValueOrDefault("bucket"), new LimitPolicy(capacity, per), options.GetValueOrDefault("reason"), actor, expiresAt, cancellationToken);
        return Changed(invocation, result);
    }

    private async Task<CommandReply> ResetAsync(CommandInvocation invocation, string actor, CancellationToken cancellationToken)
    {
        if (!TrySubject(invocation, out var subject, out var problem))
        {
            return Answer(problem);
        }

        var bucket = invocation.Options.GetValueOrDefault("bucket");
        return Changed(invocation, await changes.ResetLimitAsync(subject, string.IsNullOrWhiteSpace(bucket) ? null : bucket, actor, invocation.Options.GetValueOrDefault("reason"), cancellationToken));
    }

    private async Task<CommandReply> ShowLimitsAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        if (!TrySubject(invocation, out var subject, out var problem))
        {
            return Answer(problem);
        }

        var now = timeProvider.GetUtcNow();
        var snapshot = await changes.Store.LoadAsync(cancellationToken);
        var overrides = snapshot.LimitOverrides.Where(o => o.Subject == subject && o.IsActive(now)).OrderBy(o => o.Bucket, StringComparer.Ordinal).ToList();
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"**Limits of {subject}**\n");
        if (overrides.Count == 0)
        {
            text.Append("No overrides: the defaults apply.");
        }

        foreach (var item in overrides)
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Bucket}: {OperatorControlChanges.Describe(item.Policy)}{Until(item.ExpiresAt)} — {item.Reason} ({item.SetBy})\n");
        }

        if (changes.Limits is { } limits)
        {
            foreach (var bucket in await limits.ReadAsync(subject, cancellationToken))
            {
                text.Append(CultureInfo.InvariantCulture, $"\nbucket {bucket.Bucket}: {bucket.Tokens:0.#} tokens");
            }
        }

        return Answer(text.ToString().TrimEnd('\n'));
    }

    private async Task<CommandReply> ListSwitchesAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var switches = (await changes.Store.LoadAsync(cancellationToken)).Switches.Where(s => s.IsActive(now)).ToList();
        if (switches.Count == 0)
        {
            return Answer("Nothing is turned off.");
        }

        var text = new StringBuilder("**Turned off**\n");
        foreach (var item in switches.OrderBy(s => s.Target.ToString(), StringComparer.Ordinal).Take(MaxListed))
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Target} {(item.GuildId is { } guild ? "in guild " + guild.ToString(CultureInfo.InvariantCulture) : "everywhere")}{Until(item.ExpiresAt)} — {item.Reason} ({item.SetBy})\n");
        }

        return Answer(More(text, switches.Count));
    }

    private async Task<CommandReply> ListBlocksAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var blocks = (await changes.Store.LoadAsync(cancellationToken)).Blocks.Where(b => b.IsActive(now)).ToList();
        if (blocks.Count == 0)
        {
            return Answer("No guild is blocked.");
        }

        var text = new StringBuilder("**Blocked guilds**\n");
        foreach (var block in blocks.OrderBy(b => b.GuildId).Take(MaxListed))
        {
            text.Append(CultureInfo.InvariantCulture, $"{block.GuildId}{Until(block.ExpiresAt)} — {block.Reason} ({block.BlockedBy})\n");
        }

        return Answer(More(text, blocks.Count));
    }

    private async Task<CommandReply> AuditAsync(IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        var max = int.TryParse(options.GetValueOrDefault("max"), NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, MaxListed) : 10;
        var entries = await changes.Store.ListAuditAsync(null, max, cancellationToken);
        if (entries.Count == 0)
        {
            return Answer("No changes recorded yet.");
        }

        var text = new StringBuilder("**Recent changes**\n");
        foreach (var entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{entry.At.UtcDateTime:yyyy-MM-dd HH:mm} {entry.Actor} {entry.Action} {entry.Target}{(entry.Detail is null ? "" : " (" + entry.Detail + ")")}{(entry.Reason.Length == 0 ? "" : " — " + entry.Reason)}\n");
        }

        return Answer(text.ToString().TrimEnd('\n'));
    }

    private CommandReply Changed(CommandInvocation invocation, ControlChangeResult result)
    {
        if (result.Audit is { } audit)
        {
            Log.Changed(logger, audit.Action, audit.Target, invocation.UserId, invocation.GuildId);
        }

        return Answer(result.Message);
    }

    /// <summary>Empty: <paramref name="empty"/>. <c>here</c>: the current guild. Otherwise a guild id.</summary>
    private static bool TryGuild(string? text, ulong? current, ulong? empty, out ulong? guild, out string? problem)
    {
        problem = null;
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            guild = empty;
            return true;
        }

        if (string.Equals(value, "here", StringComparison.OrdinalIgnoreCase))
        {
            guild = current;
            problem = current is null ? "There is no \"here\" in a DM: give the guild's id." : null;
            return current is not null;
        }

        if (ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id != 0)
        {
            guild = id;
            return true;
        }

        guild = null;
        problem = "Give a guild id (a number: Developer Mode, right-click the server, Copy Server ID).";
        return false;
    }

    private bool TryExpiry(string? text, out DateTimeOffset? expiresAt, out string? problem)
    {
        expiresAt = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!ControlDuration.TryParse(text, out var duration, out problem))
        {
            return false;
        }

        expiresAt = timeProvider.GetUtcNow() + duration;
        return true;
    }

    private static bool TrySubject(CommandInvocation invocation, out LimitSubject subject, out string? problem)
    {
        subject = default;
        problem = null;
        var user = invocation.Options.GetValueOrDefault("user");
        var guild = invocation.Options.GetValueOrDefault("guild");
        if (!string.IsNullOrWhiteSpace(user) && !string.IsNullOrWhiteSpace(guild))
        {
            problem = "Give a user or a guild, not both.";
            return false;
        }

        var kind = string.IsNullOrWhiteSpace(user) ? LimitSubjectKind.Guild : LimitSubjectKind.User;
        var text = (kind == LimitSubjectKind.User ? user : guild)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problem = "Give a user, or a guild id.";
            return false;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            problem = "Give a guild id (a number).";
            return false;
        }

        subject = new LimitSubject(kind, id);
        return true;
    }

    private static string Until(DateTimeOffset? expiresAt) =>
        expiresAt is { } until ? $" until <t:{until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:f>" : "";

    private static string More(StringBuilder text, int total) =>
        total > MaxListed
            ? text.Append(CultureInfo.InvariantCulture, $"…and {total - MaxListed} more (bot-ops lists them all).").ToString()
            : text.ToString().TrimEnd('\n');

    private static CommandReply Answer(string? text) => new(text ?? "", Ephemeral: true);

    private static CommandOptionDefinition Group(string name, string description, params CommandOptionDefinition[] subcommands) =>
        new() { Name = name, Description = description, Type = CommandOptionType.SubCommandGroup, Options = subcommands };

    private static CommandOptionDefinition Sub(string name, string description, params CommandOptionDefinition[] options) =>
        new() { Name = name, Description = description, Type = CommandOptionType.SubCommand, Options = options };

    private static partial class Log
    {
        [LoggerMessage(EventId = 2461, Level = LogLevel.Warning, Message = "Refused /admin to user {UserId} in guild {GuildId}: {Why}")]
        public static partial void Refused(ILogger logger, ulong userId, ulong? guildId, string why);

        [LoggerMessage(EventId = 2462, Level = LogLevel.Information, Message = "Operator control changed by /admin: {Action} {Target} by user {UserId} in guild {GuildId}")]
        public static partial void Changed(ILogger logger, string action, string target, ulong userId, ulong? guildId);
    }
}
