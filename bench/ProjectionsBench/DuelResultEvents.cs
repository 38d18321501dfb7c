using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Projections;
using Serverless.Storage.Duels;
using Serverless.Storage.ScheduledPosts;

namespace ProjectionsBench;

/// <summary>
/// A settled duel: stored as accepted, then both members report through <see cref="DuelButtons"/> (as their clicks
/// would), which settles it, updates both ratings and the monthly wins in one transaction and marks the scoreboard and
/// the monthly hall dirty. Ten members, so ratings keep changing and so does the scoreboard's text.
/// </summary>
internal sealed class DuelScoreboardEvents(BenchStack stack) : IProjectionEventSource
{
    public string Name => "duel scoreboard";

    public ProjectionKey Key => DuelScoreboardRenderer.KeyFor(stack.GuildId);

    public IReadOnlyList<ProjectionKey> Touches => [Key, MonthlyStandings.KeyFor(stack.GuildId)];

    public Task PrepareAsync(ulong channelId, CancellationToken cancellationToken) =>
        stack.Changes.PlaceAsync(Key, channelId, logChannelId: null, "bench-place", cancellationToken);

    public Task EmitAsync(long sequence, CancellationToken cancellationToken) =>
        DuelResults.SettleAsync(stack, memberBase: 751000000000000000, "score", sequence, cancellationToken);
}

internal static class DuelResults
{
    /// <summary>One duel among ten members from <paramref name="memberBase"/>, won by one side and reported by both.</summary>
    public static async Task SettleAsync(BenchStack stack, ulong memberBase, string prefix, long sequence, CancellationToken cancellationToken)
    {
        var duels = new TableDuelStore(stack.Account);
        var calendar = new GuildCalendar(new TableScheduledPostStore(stack.Account), TimeProvider.System);
        var buttons = new DuelButtons(duels, stack.Changes, calendar, TimeProvider.System, NullLogger<DuelButtons>.Instance);
        var challenger = memberBase + (ulong)(sequence % 10);
        var opponent = memberBase + (ulong)((sequence + 3) % 10);
        var id = prefix + sequence.ToString(CultureInfo.InvariantCulture);
        var challenged = DuelRules.Challenge(stack.GuildId, id, challenger, opponent, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));
        await duels.CreateAsync(DuelRules.Accept(challenged, opponent, DateTimeOffset.UtcNow).Duel, cancellationToken);
        await buttons.ExecuteAsync(Click(stack.GuildId, challenger, $"duel:won:{id}"), cancellationToken);
        var settled = await buttons.ExecuteAsync(Click(stack.GuildId, opponent, $"duel:lost:{id}"), cancellationToken);
        if (settled.Ephemeral)
        {
            throw new InvalidOperationException($"duel {id} not settled: {settled.Content}");
        }
    }

    private static CommandInvocation Click(ulong guildId, ulong userId, string customId) => new()
    {
        CommandName = DuelCommand.Name,
        CorrelationId = "bench-" + customId,
        GuildId = guildId,
        UserId = userId,
        Options = new Dictionary<string, string> { [InteractionRoute.ComponentOption] = customId },
    };
}
