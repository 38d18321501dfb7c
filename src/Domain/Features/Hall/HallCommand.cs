using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Hall;

/// <summary>
/// <c>/hall setup channel:#channel</c> (Manage Server): keeps the guild's monthly standings in the channel and posts
/// each month's hall of fame there when the month ends. Deferred to the worker: it writes to storage.
/// </summary>
public sealed partial class HallCommand(
    IHallStore store,
    ProjectionChanges projections,
    GuildCalendar calendar,
    ILogger<HallCommand> logger) : ICommandHandler
{
    public const string Name = "hall";
    private const int MaxAttempts = 5;

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "The monthly hall: live standings and a hall of fame each month",
        ResponseMode = CommandResponseMode.Deferred,
        Options =
        [
            new CommandOptionDefinition
            {
                Name = "setup",
                Description = "Keep the hall in a channel (Manage Server)",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition
                    {
                        Name = "channel",
                        Description = "Where the standings and the monthly hall of fame go",
                        Type = CommandOptionType.Channel,
                        Required = true,
                        ChannelTypes = [ChannelKind.GuildText, ChannelKind.GuildAnnouncement],
                    },
                ],
            },
        ],
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId)
        {
            return new CommandReply("The hall lives in a server.", Ephemeral: true);
        }

        if (invocation.Options.GetValueOrDefault("subcommand") != "setup")
        {
            return new CommandReply("Use `/hall setup`.", Ephemeral: true);
        }

        if (!invocation.MemberPermissions.Grants(MemberPermissions.ManageGuild))
        {
            return new CommandReply("Setting up the hall takes the Manage Server permission.", Ephemeral: true);
        }

        if (!ulong.TryParse(invocation.Options.GetValueOrDefault("channel"), NumberStyles.None, CultureInfo.InvariantCulture, out var channelId) || channelId == 0)
        {
            return new CommandReply("Name the channel for the hall.", Ephemeral: true);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // A new hall starts at the guild's current month: months before it are never archived. Moving an existing
            // hall keeps its month, so a month-end archive still due is not skipped.
            var current = await store.GetAsync(guildId, cancellationToken);
            var month = current?.ShownMonth ?? GuildMonth.Of(calendar.UtcNow, await calendar.GetZoneAsync(guildId, cancellationToken));
            var next = current is null ? new HallState(guildId, channelId, month) : current with { ChannelId = channelId };
            if (await store.TryWriteAsync(next, cancellationToken))
            {
                Log.SetUp(logger, guildId, channelId, month, invocation.CorrelationId);
                await projections.PlaceAsync(MonthlyStandings.KeyFor(guildId), channelId, logChannelId: null, invocation.CorrelationId, cancellationToken);
                return new CommandReply($"The hall now lives in <#{channelId}>: this month's standings, kept up to date, and a hall of fame when each month ends.", Ephemeral: false);
            }
        }

        return new CommandReply("The hall changed while setting it up; try again.", Ephemeral: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6350, Level = LogLevel.Information, Message = "Hall of guild {GuildId} set up in channel {ChannelId}, showing {Month} ({CorrelationId})")]
        public static partial void SetUp(ILogger logger, ulong guildId, ulong channelId, GuildMonth month, string correlationId);
    }
}
