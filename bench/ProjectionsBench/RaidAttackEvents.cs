using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;
using Serverless.Storage.Raids;
using Serverless.Storage.ScheduledPosts;

namespace ProjectionsBench;

/// <summary>
/// A raid attack through <see cref="RaidCommand"/> (<c>/raid attack</c>): the raid's total, the member's damage and
/// monthly score in one transaction, then the raid's progress and the monthly hall marked dirty. One raid, started by a
/// moderator's <c>/raid start</c> in the channel given; 1,000 members take turns so none is held by the attack cooldown.
/// </summary>
internal sealed class RaidAttackEvents(BenchStack stack) : IProjectionEventSource
{
    private const ulong MemberBase = 753000000000000000;
    private const int Members = 1_000;
    private static readonly DateTimeOffset DiscordEpoch = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RaidCommand _raids = new(
        new TableRaidStore(stack.Account),
        stack.Changes,
        new GuildCalendar(new TableScheduledPostStore(stack.Account), TimeProvider.System),
        Options.Create(new RaidOptions()),
        NullLogger<RaidCommand>.Instance);

    private ProjectionKey? _key;
    private long _interactions;
    private int _contended;

    public string Name => "raid progress";

    public ProjectionKey Key => _key ?? throw new InvalidOperationException("The raid is not started yet.");

    public IReadOnlyList<ProjectionKey> Touches => [Key, MonthlyStandings.KeyFor(stack.GuildId)];

    public async Task PrepareAsync(ulong channelId, CancellationToken cancellationToken)
    {
        var start = Invocation(MemberBase - 1, new Dictionary<string, string>
        {
            ["subcommand"] = "start",
            ["name"] = "Bench",
            ["goal"] = RaidRules.MaxGoal.ToString(CultureInfo.InvariantCulture),
            ["duration"] = "120",
            ["channel"] = channelId.ToString(CultureInfo.InvariantCulture),
        }) with { MemberPermissions = MemberPermissions.ManageGuild };
        var reply = await _raids.ExecuteAsync(start, cancellationToken);
        if (reply.Ephemeral)
        {
            throw new InvalidOperationException("/raid start refused: " + reply.Content);
        }

        _key = RaidProgressRenderer.KeyFor(stack.GuildId, start.InteractionId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Attacks refused with "Too many attacks at once" (the raid row changed under every try) and sent again, as the member would.</summary>
    public int Contended => _contended;

    public async Task EmitAsync(long sequence, CancellationToken cancellationToken)
    {
        var member = MemberBase + (ulong)((sequence + Members) % Members);
        for (var attempt = 1; ; attempt++)
        {
            var reply = await _raids.ExecuteAsync(Invocation(member, new Dictionary<string, string> { ["subcommand"] = "attack" }), cancellationToken);
            if (!reply.Ephemeral)
            {
                return;
            }

            if (attempt == 5 || !reply.Content.StartsWith("Too many attacks at once", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"/raid attack refused for {member}: {reply.Content}");
            }

            Interlocked.Increment(ref _contended);
        }
    }

    /// <summary>An invocation with a fresh interaction id (a snowflake of now), as each of Discord's interactions has.</summary>
    private CommandInvocation Invocation(ulong userId, Dictionary<string, string> options)
    {
        var id = ((ulong)(DateTimeOffset.UtcNow - DiscordEpoch).TotalMilliseconds << 22) | (ulong)(Interlocked.Increment(ref _interactions) & 0x3FFFFF);
        return new CommandInvocation
        {
            CommandName = RaidCommand.Name,
            CorrelationId = "bench-raid-" + id.ToString(CultureInfo.InvariantCulture),
            InteractionId = id,
            GuildId = stack.GuildId,
            ChannelId = stack.Discord.Interactions.DefaultChannelId,
            UserId = userId,
            Options = options,
        };
    }
}
