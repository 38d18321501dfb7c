using System.Globalization;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Duels;

/// <summary>
/// <c>/duel challenge member:@user</c> posts a challenge with Accept and Decline; <c>/duel scoreboard channel:#channel</c>
/// (Manage Server) places the guild's scoreboard. Deferred to the worker: both write to storage.
/// </summary>
public sealed class DuelCommand(
    IDuelStore store,
    ProjectionChanges projections,
    IOptions<DuelOptions> options,
    TimeProvider timeProvider) : ICommandHandler
{
    public const string Name = "duel";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Duel another member; ratings and a scoreboard",
        ResponseMode = CommandResponseMode.Deferred,
        Options =
        [
            new CommandOptionDefinition
            {
                Name = "challenge",
                Description = "Challenge a member to a duel",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition { Name = "member", Description = "Who to challenge", Type = CommandOptionType.User, Required = true },
                ],
            },
            new CommandOptionDefinition
            {
                Name = "scoreboard",
                Description = "Keep the duel scoreboard in a channel (Manage Server)",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition
                    {
                        Name = "channel",
                        Description = "Where the scoreboard lives",
                        Type = CommandOptionType.Channel,
                        Required = true,
                        ChannelTypes = [ChannelKind.GuildText, ChannelKind.GuildAnnouncement],
                    },
                    new CommandOptionDefinition
                    {
                        Name = "log-channel",
                        Description = "Where the bot notes problems with the scoreboard",
                        Type = CommandOptionType.Channel,
                        ChannelTypes = [ChannelKind.GuildText],
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
            return new CommandReply("Duels happen in a server.", Ephemeral: true);
        }

        return invocation.Options.GetValueOrDefault("subcommand") switch
        {
            "challenge" => await ChallengeAsync(invocation, guildId, cancellationToken),
            "scoreboard" => await PlaceScoreboardAsync(invocation, guildId, cancellationToken),
            _ => new CommandReply("Use `/duel challenge` or `/duel scoreboard`.", Ephemeral: true),
        };
    }

    private async Task<CommandReply> ChallengeAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        var opponentId = Id(invocation.Options.GetValueOrDefault("member")) ?? 0;
        if (DuelRules.ChallengeRefusal(invocation.UserId, opponentId) is { } refusal)
        {
            return new CommandReply(refusal, Ephemeral: true);
        }

        // The interaction's id is unique and stable: a redelivered command finds its duel instead of making a second.
        var id = invocation.InteractionId.ToString(CultureInfo.InvariantCulture);
        var duel = await store.GetAsync(guildId, id, cancellationToken);
        if (duel is null)
        {
            duel = DuelRules.Challenge(guildId, id, invocation.UserId, opponentId, timeProvider.GetUtcNow(), options.Value.ChallengeTimeout);
            await store.CreateAsync(duel, cancellationToken);
        }

        return DuelText.Message(duel);
    }

    private async Task<CommandReply> PlaceScoreboardAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        if (!invocation.MemberPermissions.Grants(MemberPermissions.ManageGuild))
        {
            return new CommandReply("Placing the scoreboard takes the Manage Server permission.", Ephemeral: true);
        }

        if (Id(invocation.Options.GetValueOrDefault("channel")) is not { } channelId)
        {
            return new CommandReply("Name the channel for the scoreboard.", Ephemeral: true);
        }

        var logChannelId = Id(invocation.Options.GetValueOrDefault("log-channel"));
        await projections.PlaceAsync(DuelScoreboardRenderer.KeyFor(guildId), channelId, logChannelId, invocation.CorrelationId, cancellationToken);
        return new CommandReply($"The duel scoreboard now lives in <#{channelId}> and is kept up to date there.", Ephemeral: false);
    }

    private static ulong? Id(string? value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id != 0 ? id : null;
}
