using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// <c>/oracle setup channel day hour</c> (Manage Server) sets the guild's weekly slot, on its own clock
/// (<c>/schedule timezone</c>); <c>/oracle show</c> says what is set and when the next prompt goes out. Deferred to the
/// worker: both read storage.
/// </summary>
public sealed partial class OracleCommand(IOracleStore store, GuildCalendar calendar, ILogger<OracleCommand> logger) : ICommandHandler
{
    public const string Name = "oracle";
    private const int MaxAttempts = 5;

    /// <summary>Monday first, as ISO weeks run.</summary>
    private static readonly DayOfWeek[] Days =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "A weekly question for the server, answered with a button",
        ResponseMode = CommandResponseMode.Deferred,
        Options =
        [
            new CommandOptionDefinition
            {
                Name = "setup",
                Description = "Where and when the weekly prompt goes out (Manage Server)",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition
                    {
                        Name = "channel",
                        Description = "Where the prompts go",
                        Type = CommandOptionType.Channel,
                        Required = true,
                        ChannelTypes = [ChannelKind.GuildText, ChannelKind.GuildAnnouncement],
                    },
                    new CommandOptionDefinition
                    {
                        Name = "day",
                        Description = "The weekday, in the server's time zone",
                        Type = CommandOptionType.String,
                        Required = true,
                        Choices = [.. Days.Select(day => new CommandOptionChoice(day.ToString(), day.ToString().ToLowerInvariant()))],
                    },
                    new CommandOptionDefinition
                    {
                        Name = "hour",
                        Description = "The hour (0-23), in the server's time zone",
                        Type = CommandOptionType.Integer,
                        Required = true,
                        MinValue = 0,
                        MaxValue = 23,
                    },
                ],
            },
            new CommandOptionDefinition { Name = "show", Description = "Show where and when the weekly prompt goes out", Type = CommandOptionType.SubCommand },
        ],
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId)
        {
            return new CommandReply("The oracle speaks in a server.", Ephemeral: true);
        }

        return invocation.Options.GetValueOrDefault("subcommand") switch
        {
            "setup" => await SetupAsync(invocation, guildId, cancellationToken),
            "show" => await ShowAsync(guildId, cancellationToken),
            _ => new CommandReply("Use `/oracle setup` or `/oracle show`.", Ephemeral: true),
        };
    }

    private async Task<CommandReply> SetupAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        if (!invocation.MemberPermissions.Grants(MemberPermissions.ManageGuild))
        {
            return new CommandReply("Setting up the oracle takes the Manage Server permission.", Ephemeral: true);
        }

        if (!ulong.TryParse(invocation.Options.GetValueOrDefault("channel"), NumberStyles.None, CultureInfo.InvariantCulture, out var channelId) || channelId == 0)
        {
            return new CommandReply("Name the channel for the weekly prompt.", Ephemeral: true);
        }

        if (!TryDay(invocation.Options.GetValueOrDefault("day"), out var day))
        {
            return new CommandReply("Pick a weekday from the list.", Ephemeral: true);
        }

        if (!int.TryParse(invocation.Options.GetValueOrDefault("hour"), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour is < 0 or > 23)
        {
            return new CommandReply("The hour is 0 to 23.", Ephemeral: true);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await store.GetSetupAsync(guildId, cancellationToken);
            if (await store.TryWriteSetupAsync(new OracleSetup(guildId, channelId, day, hour) { ETag = current?.ETag }, cancellationToken))
            {
                Log.SetUp(logger, guildId, channelId, day, hour, invocation.CorrelationId);
                return new CommandReply($"🔮 The oracle posts a prompt in <#{channelId}> every {day} at {hour:D2}:00 (server time). {await NextAsync(guildId, day, hour, cancellationToken)}", Ephemeral: false);
            }
        }

        return new CommandReply("The oracle's setup changed meanwhile; try again.", Ephemeral: true);
    }

    private async Task<CommandReply> ShowAsync(ulong guildId, CancellationToken cancellationToken)
    {
        if (await store.GetSetupAsync(guildId, cancellationToken) is not { } setup)
        {
            return new CommandReply("The oracle isn't set up here. Someone with Manage Server can use `/oracle setup`.", Ephemeral: true);
        }

        return new CommandReply($"🔮 The oracle posts in <#{setup.ChannelId}> every {setup.Day} at {setup.Hour:D2}:00 (server time). {await NextAsync(guildId, setup.Day, setup.Hour, cancellationToken)}", Ephemeral: true);
    }

    /// <summary>This week's prompt, when its slot passed, goes out on the publisher's next run; else at the slot.</summary>
    private async Task<string> NextAsync(ulong guildId, DayOfWeek day, int hour, CancellationToken cancellationToken)
    {
        var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
        var now = calendar.UtcNow;
        var week = OracleWeek.Of(GuildCalendar.LocalDate(now, zone));
        if (OracleSchedule.DueWeek(now, day, hour, zone) is { } due)
        {
            return await store.GetEditionAsync(guildId, due, cancellationToken) is { Placed: true }
                ? $"This week's prompt is out; the next one comes <t:{OracleSchedule.SlotInstant(NextWeek(week), day, hour, zone).ToUnixTimeSeconds()}:R>."
                : "This week's slot has passed, so its prompt goes out within a quarter of an hour.";
        }

        return $"This week's prompt comes <t:{OracleSchedule.SlotInstant(week, day, hour, zone).ToUnixTimeSeconds()}:R>.";
    }

    private static bool TryDay(string? text, out DayOfWeek day)
    {
        day = Array.Find(Days, candidate => string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase));
        return string.Equals(day.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    private static OracleWeek NextWeek(OracleWeek week) => OracleWeek.Of(week.Monday.AddDays(7));

    private static partial class Log
    {
        [LoggerMessage(EventId = 6450, Level = LogLevel.Information, Message = "Oracle of guild {GuildId} set to channel {ChannelId}, {Day} {Hour}:00 local ({CorrelationId})")]
        public static partial void SetUp(ILogger logger, ulong guildId, ulong channelId, DayOfWeek day, int hour, string correlationId);
    }
}
