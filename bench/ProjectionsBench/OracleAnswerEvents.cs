using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Projections;
using Serverless.Storage.Oracle;
using Serverless.Storage.ScheduledPosts;

namespace ProjectionsBench;

/// <summary>
/// An answer to this week's oracle through <see cref="OracleAnswerForm"/> (the form's submit): the member's answer
/// written (a later one replaces it), then the week's projection marked dirty. The week's prompt is published as the
/// publisher does (edition claimed, projection placed); 200 members take turns, so answers are new and replaced alike.
/// </summary>
internal sealed class OracleAnswerEvents(BenchStack stack) : IProjectionEventSource
{
    private const ulong MemberBase = 754000000000000000;
    private const int Members = 200;

    private readonly TableOracleStore _store = new(stack.Account);
    private readonly GuildCalendar _calendar = new(new TableScheduledPostStore(stack.Account), TimeProvider.System);
    private OracleWeek? _week;

    public string Name => "oracle week";

    public ProjectionKey Key => OracleText.WeekKey(stack.GuildId, Week);

    public IReadOnlyList<ProjectionKey> Touches => [Key];

    private OracleWeek Week => _week ?? throw new InvalidOperationException("No prompt published yet.");

    public async Task PrepareAsync(ulong channelId, CancellationToken cancellationToken)
    {
        var zone = await _calendar.GetZoneAsync(stack.GuildId, cancellationToken);
        _week = OracleWeek.Of(GuildCalendar.LocalDate(_calendar.UtcNow, zone));
        var edition = new OracleEdition(stack.GuildId, Week, "What would you take to a desert island?", channelId, _calendar.UtcNow);
        if (!await _store.TryWriteEditionAsync(edition, cancellationToken))
        {
            throw new InvalidOperationException($"This week's oracle edition of guild {stack.GuildId} exists already.");
        }

        await stack.Changes.PlaceAsync(Key, channelId, logChannelId: null, "bench-place", cancellationToken);
        await _store.TryWriteEditionAsync((await _store.GetEditionAsync(stack.GuildId, Week, cancellationToken))! with { Placed = true }, cancellationToken);
    }

    public async Task EmitAsync(long sequence, CancellationToken cancellationToken)
    {
        var form = new OracleAnswerForm(_store, _calendar, stack.Changes, NullLogger<OracleAnswerForm>.Instance);
        var number = sequence.ToString(CultureInfo.InvariantCulture);
        var reply = await form.SubmitAsync(
            new ModalSubmission
            {
                CustomId = OracleText.FormId(Week),
                CorrelationId = "bench-oracle-" + number,
                GuildId = stack.GuildId,
                ChannelId = stack.Discord.Interactions.DefaultChannelId,
                UserId = MemberBase + (ulong)((sequence + Members) % Members),
                Values = new Dictionary<string, string> { [OracleText.AnswerInput] = "A lighthouse, answer " + number },
            },
            cancellationToken);
        if (!reply.Content.StartsWith("🔮", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("oracle answer refused: " + reply.Content);
        }
    }
}
