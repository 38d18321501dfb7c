using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Raids;

/// <summary>
/// <c>/raid start|attack|status|stop</c>, deferred to the worker (all write to storage). Starting and stopping take
/// Manage Messages or Manage Server; any member attacks, once per cooldown. An attack's damage, the raid's total, the
/// member's contribution and monthly score are one transaction keyed by the interaction id, so a replay counts once.
/// </summary>
public sealed partial class RaidCommand(
    IRaidStore store,
    ProjectionChanges projections,
    GuildCalendar calendar,
    IOptions<RaidOptions> options,
    ILogger<RaidCommand> logger) : ICommandHandler
{
    public const string Name = "raid";
    private const int MaxAttempts = 8;

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Raids: the server attacks a shared goal before time runs out",
        ResponseMode = CommandResponseMode.Deferred,
        Options =
        [
            new CommandOptionDefinition
            {
                Name = "start",
                Description = "Start a raid (Manage Messages)",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition { Name = "name", Description = "What the server raids", Type = CommandOptionType.String, Required = true, MaxLength = RaidRules.MaxNameLength },
                    new CommandOptionDefinition { Name = "goal", Description = "Total damage to win", Type = CommandOptionType.Integer, Required = true, MinValue = 1, MaxValue = RaidRules.MaxGoal },
                    new CommandOptionDefinition { Name = "duration", Description = "How long it lasts, in minutes", Type = CommandOptionType.Integer, Required = true, MinValue = 1, MaxValue = 44640 },
                    new CommandOptionDefinition
                    {
                        Name = "channel",
                        Description = "Where its progress is shown (this channel by default)",
                        Type = CommandOptionType.Channel,
                        ChannelTypes = [ChannelKind.GuildText, ChannelKind.GuildAnnouncement],
                    },
                ],
            },
            new CommandOptionDefinition { Name = "attack", Description = "Attack the running raid", Type = CommandOptionType.SubCommand },
            new CommandOptionDefinition { Name = "status", Description = "The running raid and your part in it", Type = CommandOptionType.SubCommand },
            new CommandOptionDefinition { Name = "stop", Description = "Stop the running raid (Manage Messages)", Type = CommandOptionType.SubCommand },
        ],
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId)
        {
            return new CommandReply("Raids happen in a server.", Ephemeral: true);
        }

        return invocation.Options.GetValueOrDefault("subcommand") switch
        {
            "start" => await StartAsync(invocation, guildId, cancellationToken),
            "attack" => await AttackAsync(invocation, guildId, cancellationToken),
            "status" => await StatusAsync(invocation, guildId, cancellationToken),
            "stop" => await StopAsync(invocation, guildId, cancellationToken),
            _ => new CommandReply("Use `/raid start`, `/raid attack`, `/raid status` or `/raid stop`.", Ephemeral: true),
        };
    }

    private async Task<CommandReply> StartAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        if (!MayModerate(invocation))
        {
            return new CommandReply("Starting a raid takes Manage Messages or Manage Server.", Ephemeral: true);
        }

        // The interaction's id is the raid's: a redelivered command finds its raid instead of refusing a second one.
        var id = invocation.InteractionId.ToString(CultureInfo.InvariantCulture);
        if (await store.GetAsync(guildId, id, cancellationToken) is { } started)
        {
            return Started(started);
        }

        var name = invocation.Options.GetValueOrDefault("name");
        var goal = Number(invocation.Options.GetValueOrDefault("goal")) ?? 0;
        var minutes = Number(invocation.Options.GetValueOrDefault("duration")) ?? 0;
        var duration = TimeSpan.FromMinutes(Math.Clamp(minutes, 0, 60 * 24 * 366));
        if (RaidRules.StartRefusal(name, goal, duration, options.Value) is { } refusal)
        {
            return new CommandReply(refusal, Ephemeral: true);
        }

        var channelId = (ulong?)Number(invocation.Options.GetValueOrDefault("channel")) ?? invocation.ChannelId;
        if (channelId is not { } channel || channel == 0)
        {
            return new CommandReply("Name the channel for the raid's progress.", Ephemeral: true);
        }

        var raid = RaidRules.Start(guildId, id, name!, goal, channel, invocation.UserId, calendar.UtcNow, duration);
        if (!await store.TryStartAsync(raid, cancellationToken))
        {
            return await store.GetAsync(guildId, id, cancellationToken) is { } mine
                ? Started(mine)
                : new CommandReply("A raid is already running here; it ends on its goal or its time, or a moderator stops it with `/raid stop`.", Ephemeral: true);
        }

        Log.Started(logger, guildId, raid.Id, raid.Goal, raid.EndsAt, invocation.CorrelationId);
        await projections.PlaceAsync(RaidProgressRenderer.KeyFor(guildId, raid.Id), channel, logChannelId: null, invocation.CorrelationId, cancellationToken);
        return Started(raid);
    }

    private async Task<CommandReply> AttackAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAttackAsync(guildId, invocation.InteractionId, cancellationToken) is { } counted)
            {
                return Attacked(counted, await store.GetAsync(guildId, counted.RaidId, cancellationToken));
            }

            if (await store.GetActiveAsync(guildId, cancellationToken) is not { } raid)
            {
                return new CommandReply("No raid is running. A moderator starts one with `/raid start`.", Ephemeral: true);
            }

            var now = calendar.UtcNow;
            var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
            if (RaidRules.IsOverdue(raid, now))
            {
                // Ended by its clock: closed here rather than waiting for the closer, which would find it done.
                await EndAsync(RaidRules.Expire(raid, zone), invocation.CorrelationId, cancellationToken);
                return new CommandReply($"The raid {RaidProgress.Name(raid)} is over: its time ran out.", Ephemeral: true);
            }

            var member = await store.GetMemberAsync(guildId, raid.Id, invocation.UserId, cancellationToken);
            var wait = RaidRules.CooldownLeft(member.LastAttackAt, now, settings.AttackCooldown);
            if (wait > TimeSpan.Zero)
            {
                return new CommandReply($"You are catching your breath: attack again in {RaidRules.Describe(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)))}.", Ephemeral: true);
            }

            var month = GuildMonth.Of(now, zone);
            var damage = RaidRules.Damage(invocation.InteractionId, settings);
            var next = RaidRules.Attack(raid, damage, now, month);
            var attack = new RaidAttack(guildId, invocation.InteractionId, raid.Id, invocation.UserId, damage, now);
            var score = await store.GetMonthScoreAsync(guildId, month, invocation.UserId, cancellationToken);
            var written = await store.TryRecordAttackAsync(
                next,
                attack,
                member with { Damage = member.Damage + damage, Attacks = member.Attacks + 1, LastAttackAt = now },
                score with { Damage = score.Damage + damage },
                cancellationToken);
            if (!written)
            {
                continue;
            }

            Log.Attacked(logger, guildId, raid.Id, invocation.UserId, damage, next.Total, invocation.CorrelationId);
            if (!next.IsActive)
            {
                Log.Ended(logger, guildId, next.Id, next.Status, next.Total, invocation.CorrelationId);
            }

            await MarkDirtyAsync(next, invocation.CorrelationId, cancellationToken);
            return Attacked(attack, next);
        }

        return new CommandReply("Too many attacks at once; try again.", Ephemeral: true);
    }

    private async Task<CommandReply> StatusAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        if (await store.GetActiveAsync(guildId, cancellationToken) is not { } raid)
        {
            return new CommandReply("No raid is running. A moderator starts one with `/raid start`.", Ephemeral: true);
        }

        var member = await store.GetMemberAsync(guildId, raid.Id, invocation.UserId, cancellationToken);
        var wait = RaidRules.CooldownLeft(member.LastAttackAt, calendar.UtcNow, options.Value.AttackCooldown);
        var yours = member.Attacks == 0 ? "You have not attacked yet."
            : string.Create(CultureInfo.InvariantCulture, $"You dealt {member.Damage:N0} damage in {member.Attacks} {(member.Attacks == 1 ? "attack" : "attacks")}.");
        var next = wait > TimeSpan.Zero ? $" Next attack in {RaidRules.Describe(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)))}." : "";
        return new CommandReply(
            string.Create(CultureInfo.InvariantCulture, $"🐉 {RaidProgress.Name(raid)}: {raid.Total:N0} / {raid.Goal:N0} ({RaidProgress.Percent(raid.Total, raid.Goal)}%), ends <t:{raid.EndsAt.ToUnixTimeSeconds()}:R>. {yours}{next}"),
            Ephemeral: true);
    }

    private async Task<CommandReply> StopAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        if (!MayModerate(invocation))
        {
            return new CommandReply("Stopping a raid takes Manage Messages or Manage Server.", Ephemeral: true);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetActiveAsync(guildId, cancellationToken) is not { } raid)
            {
                return new CommandReply("No raid is running.", Ephemeral: true);
            }

            var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
            if (await EndAsync(RaidRules.Stop(raid, calendar.UtcNow, zone), invocation.CorrelationId, cancellationToken))
            {
                return new CommandReply($"The raid {RaidProgress.Name(raid)} was stopped at {raid.Total:N0} / {raid.Goal:N0}.", Ephemeral: false);
            }
        }

        return new CommandReply("The raid changed too often while stopping it; try again.", Ephemeral: true);
    }

    private async Task<bool> EndAsync(Raid ended, string correlationId, CancellationToken cancellationToken)
    {
        if (!await store.TryEndAsync(ended, cancellationToken))
        {
            return false;
        }

        Log.Ended(logger, ended.GuildId, ended.Id, ended.Status, ended.Total, correlationId);
        await MarkDirtyAsync(ended, correlationId, cancellationToken);
        return true;
    }

    private async Task MarkDirtyAsync(Raid raid, string correlationId, CancellationToken cancellationToken)
    {
        await projections.MarkDirtyAsync(RaidProgressRenderer.KeyFor(raid.GuildId, raid.Id), correlationId, cancellationToken);
        await projections.MarkDirtyAsync(MonthlyStandings.KeyFor(raid.GuildId), correlationId, cancellationToken);
    }

    private static CommandReply Started(Raid raid) => new(
        string.Create(CultureInfo.InvariantCulture, $"🐉 The raid {RaidProgress.Name(raid)} has begun: {raid.Goal:N0} damage to deal before <t:{raid.EndsAt.ToUnixTimeSeconds()}:f>. Its progress is in <#{raid.ChannelId}>; attack with `/raid attack`."),
        Ephemeral: false);

    private static CommandReply Attacked(RaidAttack attack, Raid? raid)
    {
        var progress = raid is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({raid.Total:N0} / {raid.Goal:N0})");
        var won = raid?.Status == RaidStatus.Won ? " The raid is won! 🏆" : "";
        return new CommandReply(
            string.Create(CultureInfo.InvariantCulture, $"⚔️ <@{attack.UserId}> hit {(raid is null ? "the raid" : RaidProgress.Name(raid))} for {attack.Damage:N0} damage{progress}.{won}"),
            Ephemeral: false);
    }

    private static bool MayModerate(CommandInvocation invocation) =>
        invocation.MemberPermissions.Grants(MemberPermissions.ManageMessages) || invocation.MemberPermissions.Grants(MemberPermissions.ManageGuild);

    private static long? Number(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 6300, Level = LogLevel.Information, Message = "Raid {RaidId} started in guild {GuildId}: goal {Goal}, ends {EndsAt} ({CorrelationId})")]
        public static partial void Started(ILogger logger, ulong guildId, string raidId, long goal, DateTimeOffset endsAt, string correlationId);

        [LoggerMessage(EventId = 6301, Level = LogLevel.Debug, Message = "Raid {RaidId} in guild {GuildId}: member {UserId} dealt {Damage}, total {Total} ({CorrelationId})")]
        public static partial void Attacked(ILogger logger, ulong guildId, string raidId, ulong userId, long damage, long total, string correlationId);

        [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Raid {RaidId} in guild {GuildId} ended: {Status} at {Total} ({CorrelationId})")]
        public static partial void Ended(ILogger logger, ulong guildId, string raidId, RaidStatus status, long total, string correlationId);
    }
}
