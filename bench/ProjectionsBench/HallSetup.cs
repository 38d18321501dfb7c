using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Storage.Hall;
using Serverless.Storage.ScheduledPosts;

namespace ProjectionsBench;

/// <summary>
/// The monthly hall, set up as a moderator's <c>/hall setup</c> does (its row, then its standings placed): the hall is
/// no source's own projection, since every scoring event (a duel settled, a raid attack) marks it dirty.
/// </summary>
internal static class HallSetup
{
    public static async Task RunAsync(BenchStack stack, ulong channelId, CancellationToken cancellationToken)
    {
        var hall = new HallCommand(
            new TableHallStore(stack.Account),
            stack.Changes,
            new GuildCalendar(new TableScheduledPostStore(stack.Account), TimeProvider.System),
            NullLogger<HallCommand>.Instance);
        var reply = await hall.ExecuteAsync(
            new CommandInvocation
            {
                CommandName = HallCommand.Name,
                CorrelationId = "bench-hall-setup",
                InteractionId = 1,
                GuildId = stack.GuildId,
                ChannelId = channelId,
                UserId = stack.Discord.Interactions.DefaultUserId,
                MemberPermissions = MemberPermissions.ManageGuild,
                Options = new Dictionary<string, string>
                {
                    ["subcommand"] = "setup",
                    ["channel"] = channelId.ToString(CultureInfo.InvariantCulture),
                },
            },
            cancellationToken);
        if (reply.Ephemeral)
        {
            throw new InvalidOperationException("/hall setup refused: " + reply.Content);
        }
    }
}
