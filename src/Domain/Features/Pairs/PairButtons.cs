using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// The pair's buttons (custom_id <c>pair:{action}:{id}</c>), run by the worker. Accept and Decline: only the invited
/// member; an accepted invite edits the invite's message and places the pair's panel in that channel. Check in: only
/// the pair's two members, as <c>/pair checkin</c> does; its answer goes to the clicker alone.
/// </summary>
public sealed partial class PairButtons(
    IPairStore store,
    PairCheckIns checkIns,
    ProjectionChanges projections,
    TimeProvider timeProvider,
    ILogger<PairButtons> logger) : ICommandHandler
{
    private const int MaxAttempts = 5;

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId
            || !PairText.TryParse(invocation.Options.GetValueOrDefault(InteractionRoute.ComponentOption), out var action, out var pairId))
        {
            return new CommandReply("This button no longer works.", Ephemeral: true);
        }

        return action switch
        {
            PairText.CheckIn => await checkIns.CheckInAsync(invocation, guildId, pairId, cancellationToken),
            PairText.Accept or PairText.Decline => await AnswerAsync(invocation, guildId, pairId, action == PairText.Accept, cancellationToken),
            _ => new CommandReply("This button no longer works.", Ephemeral: true),
        };
    }

    private async Task<CommandReply> AnswerAsync(CommandInvocation invocation, ulong guildId, string pairId, bool accept, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(guildId, pairId, cancellationToken) is not { } pair)
            {
                return new CommandReply("This invite no longer exists.", Ephemeral: true);
            }

            var now = timeProvider.GetUtcNow();
            var step = accept ? PairRules.Accept(pair, invocation.UserId, now) : PairRules.Decline(pair, invocation.UserId, now);
            if (!step.Changed)
            {
                return new CommandReply(step.Refusal ?? "Nothing to do.", Ephemeral: true);
            }

            if (!await store.TryUpdateAsync(step.Pair, cancellationToken))
            {
                continue;
            }

            if (accept && invocation.ChannelId is { } channelId)
            {
                Log.Formed(logger, guildId, pairId, channelId, invocation.CorrelationId);
                await projections.PlaceAsync(PairText.HomeKey(guildId, pairId), channelId, logChannelId: null, invocation.CorrelationId, cancellationToken);
            }

            return PairText.Invite(step.Pair);
        }

        return new CommandReply("Too many clicks on this invite at once; try again.", Ephemeral: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6404, Level = LogLevel.Information, Message = "Pair {PairId} formed in guild {GuildId}; its panel goes to channel {ChannelId} ({CorrelationId})")]
        public static partial void Formed(ILogger logger, ulong guildId, string pairId, ulong channelId, string correlationId);
    }
}
