using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// <c>/pair invite member</c> posts an invite with Accept and Decline; <c>/pair checkin</c> checks the member in for
/// today; <c>/pair leave</c> dissolves their pair (or withdraws their pending invite). Deferred to the worker: all write
/// to storage.
/// </summary>
public sealed partial class PairCommand(
    IPairStore store,
    PairCheckIns checkIns,
    ProjectionChanges projections,
    IOptions<PairOptions> options,
    TimeProvider timeProvider,
    ILogger<PairCommand> logger) : ICommandHandler
{
    public const string Name = "pair";
    private const int MaxAttempts = 5;

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Pair up with a member and keep a daily check-in streak",
        ResponseMode = CommandResponseMode.Deferred,
        Options =
        [
            new CommandOptionDefinition
            {
                Name = "invite",
                Description = "Invite a member to pair up (one pair at a time)",
                Type = CommandOptionType.SubCommand,
                Options =
                [
                    new CommandOptionDefinition { Name = "member", Description = "Who to pair with", Type = CommandOptionType.User, Required = true },
                ],
            },
            new CommandOptionDefinition { Name = "checkin", Description = "Check in for today", Type = CommandOptionType.SubCommand },
            new CommandOptionDefinition { Name = "leave", Description = "Leave your pair (its history stays)", Type = CommandOptionType.SubCommand },
        ],
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId)
        {
            return new CommandReply("Pairs live in a server.", Ephemeral: true);
        }

        return invocation.Options.GetValueOrDefault("subcommand") switch
        {
            "invite" => await InviteAsync(invocation, guildId, cancellationToken),
            "checkin" => await checkIns.CheckInAsync(invocation, guildId, pairId: null, cancellationToken),
            "leave" => await LeaveAsync(invocation, guildId, cancellationToken),
            _ => new CommandReply("Use `/pair invite`, `/pair checkin` or `/pair leave`.", Ephemeral: true),
        };
    }

    private async Task<CommandReply> InviteAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        var inviteeId = ulong.TryParse(invocation.Options.GetValueOrDefault("member"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;

        // The interaction's id is unique and stable: a redelivered invite finds its pair instead of making a second.
        var id = invocation.InteractionId.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(guildId, id, cancellationToken) is { } existing)
            {
                return PairText.Invite(existing);
            }

            var now = timeProvider.GetUtcNow();
            var inviter = await MembershipAsync(guildId, invocation.UserId, id, cancellationToken);
            var invitee = await MembershipAsync(guildId, inviteeId, id, cancellationToken);
            if (PairRules.InviteRefusal(invocation.UserId, inviteeId, inviter.Pair, invitee.Pair, now) is { } refusal)
            {
                return new CommandReply(refusal, Ephemeral: true);
            }

            var pair = PairRules.Invite(guildId, id, invocation.UserId, inviteeId, now, options.Value.InviteTimeout);
            if (await store.TryCreateAsync(pair, inviter.Membership, invitee.Membership, cancellationToken))
            {
                Log.Invited(logger, guildId, id, invocation.CorrelationId);
                return PairText.Invite(pair);
            }
        }

        return new CommandReply("Too many pair invites at once; try again.", Ephemeral: true);
    }

    /// <summary>The member's current pair (if any) and their membership pointed at <paramref name="pairId"/>, with the ETag read.</summary>
    private async Task<(Pair? Pair, PairMembership Membership)> MembershipAsync(ulong guildId, ulong userId, string pairId, CancellationToken cancellationToken)
    {
        var membership = userId == 0 ? null : await store.GetMembershipAsync(guildId, userId, cancellationToken);
        var pair = membership is null ? null : await store.GetAsync(guildId, membership.PairId, cancellationToken);
        return (pair, new PairMembership(guildId, userId, pairId) { ETag = membership?.ETag });
    }

    private async Task<CommandReply> LeaveAsync(CommandInvocation invocation, ulong guildId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var membership = await store.GetMembershipAsync(guildId, invocation.UserId, cancellationToken);
            if (membership is null || await store.GetAsync(guildId, membership.PairId, cancellationToken) is not { } pair)
            {
                return new CommandReply("You're not in a pair.", Ephemeral: true);
            }

            var step = PairRules.Leave(pair, invocation.UserId, timeProvider.GetUtcNow());
            if (!step.Changed)
            {
                return new CommandReply(step.Refusal ?? "Nothing to do.", Ephemeral: true);
            }

            if (!await store.TryUpdateAsync(step.Pair, cancellationToken))
            {
                continue;
            }

            Log.Ended(logger, guildId, pair.Id, invocation.CorrelationId);
            if (pair.Status == PairStatus.Active)
            {
                await projections.MarkDirtyAsync(PairText.HomeKey(guildId, pair.Id), invocation.CorrelationId, cancellationToken);
                return new CommandReply($"You left your pair with {PairText.User(pair.PartnerOf(invocation.UserId))}. Its history stays on its panel.", Ephemeral: true);
            }

            return new CommandReply("Your pending pair invite is withdrawn.", Ephemeral: true);
        }

        return new CommandReply("Too many changes to your pair at once; try again.", Ephemeral: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6402, Level = LogLevel.Information, Message = "Pair {PairId} invited in guild {GuildId} ({CorrelationId})")]
        public static partial void Invited(ILogger logger, ulong guildId, string pairId, string correlationId);

        [LoggerMessage(EventId = 6403, Level = LogLevel.Information, Message = "Pair {PairId} of guild {GuildId} ended ({CorrelationId})")]
        public static partial void Ended(ILogger logger, ulong guildId, string pairId, string correlationId);
    }
}
