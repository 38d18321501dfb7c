using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.Oracle;

/// <summary>
/// The oracle over in-memory stores: setup needs Manage Server, the publisher places each week once, the Answer button
/// opens a form for this week only, and the form keeps one answer per member per week.
/// </summary>
public sealed class OracleFlowTests
{
    private const ulong Guild = 900;
    private const ulong Channel = 555;
    private const ulong Ann = 101;

    // Saturday 2026-12-05 12:00 UTC: week 49.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOracleStore _oracle = new();
    private readonly InMemoryScheduledPostStore _settings = new();
    private readonly InMemoryProjectionStore _projections = new();
    private readonly RecordingRefreshQueue _queue = new();

    private GuildCalendar Calendar() => new(_settings, _time);

    private ProjectionChanges Changes() => new(_projections, _queue, Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance);

    private OraclePublisher Publisher() => new(_oracle, Calendar(), Changes(), Options.Create(new OracleOptions()), NullLogger<OraclePublisher>.Instance);

    private ValueTask<CommandReply> SetupAsync(string day, int hour, MemberPermissions permissions = MemberPermissions.ManageGuild) =>
        new OracleCommand(_oracle, Calendar(), NullLogger<OracleCommand>.Instance).ExecuteAsync(new CommandInvocation
        {
            CommandName = OracleCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = Ann,
            MemberPermissions = permissions,
            Options = new Dictionary<string, string>
            {
                ["subcommand"] = "setup",
                ["channel"] = Channel.ToString(CultureInfo.InvariantCulture),
                ["day"] = day,
                ["hour"] = hour.ToString(CultureInfo.InvariantCulture),
            },
        }, CancellationToken.None);

    private ValueTask<CommandReply> ClickAsync(string customId) =>
        new OracleAnswerButton(_oracle, Calendar()).ExecuteAsync(new CommandInvocation
        {
            CommandName = OracleCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = Ann,
            Options = new Dictionary<string, string> { [InteractionRoute.ComponentOption] = customId },
        }, CancellationToken.None);

    private ValueTask<CommandReply> SubmitAsync(string customId, string answer) =>
        new OracleAnswerForm(_oracle, Calendar(), Changes(), NullLogger<OracleAnswerForm>.Instance).SubmitAsync(new ModalSubmission
        {
            CustomId = customId,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = Ann,
            Values = new Dictionary<string, string> { [OracleText.AnswerInput] = answer },
        }, CancellationToken.None);

    [Fact]
    public async Task Setup_TakesManageServer_AndAWeekday()
    {
        Assert.Contains("Manage Server", (await SetupAsync("monday", 9, MemberPermissions.None)).Content, StringComparison.Ordinal);
        Assert.Contains("weekday", (await SetupAsync("someday", 9)).Content, StringComparison.Ordinal);
        Assert.Contains("0 to 23", (await SetupAsync("monday", 24)).Content, StringComparison.Ordinal);
        var done = await SetupAsync("monday", 9);
        Assert.Contains("every Monday at 09:00", done.Content, StringComparison.Ordinal);
        Assert.Contains("within a quarter of an hour", done.Content, StringComparison.Ordinal);
        Assert.Equal((DayOfWeek.Monday, 9), ((await _oracle.GetSetupAsync(Guild, CancellationToken.None))!.Day, (await _oracle.GetSetupAsync(Guild, CancellationToken.None))!.Hour));
    }

    [Fact]
    public async Task ThePublisher_PlacesTheWeekOnceItsSlotPassed_AndOnlyOnce()
    {
        await SetupAsync("sunday", 9);
        Assert.Equal(0, (await Publisher().RunAsync("r", CancellationToken.None)).Published);
        Assert.Empty(_oracle.Editions);

        _time.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await Publisher().RunAsync("r", CancellationToken.None)).Published);
        Assert.Equal(0, (await Publisher().RunAsync("r", CancellationToken.None)).Published);

        var edition = Assert.Single(_oracle.Editions);
        Assert.True(edition.Placed);
        Assert.Equal(OracleSchedule.PromptFor(new OracleWeek(2026, 49), OracleOptions.DefaultPrompts), edition.Prompt);
        var placed = await _projections.GetAsync(OracleText.WeekKey(Guild, new OracleWeek(2026, 49)), CancellationToken.None);
        Assert.Equal(Channel, placed!.ChannelId);
        Assert.Single(_queue.Sent);
    }

    [Fact]
    public async Task AClaimWhosePlacingFailed_IsPlacedByTheNextRun()
    {
        await SetupAsync("monday", 0);
        var week = new OracleWeek(2026, 49);
        Assert.True(await _oracle.TryWriteEditionAsync(new OracleEdition(Guild, week, "left behind", Channel, _time.GetUtcNow()), CancellationToken.None));
        Assert.Equal(1, (await Publisher().RunAsync("r", CancellationToken.None)).Published);
        Assert.Equal("left behind", Assert.Single(_oracle.Editions).Prompt);
    }

    [Fact]
    public async Task TheSlot_IsOnTheGuildsClock()
    {
        // Saturday 12:00 UTC is Saturday 13:00 in Paris and 21:00 in Tokyo: a Saturday 20:00 slot is due in Tokyo only.
        await SetupAsync("saturday", 20);
        await _settings.SetTimeZoneAsync(Guild, "Europe/Paris", CancellationToken.None);
        Assert.Equal(0, (await Publisher().RunAsync("r", CancellationToken.None)).Published);
        await _settings.SetTimeZoneAsync(Guild, "Asia/Tokyo", CancellationToken.None);
        Assert.Equal(1, (await Publisher().RunAsync("r", CancellationToken.None)).Published);
    }

    [Fact]
    public async Task TheAnswerButton_OpensAFormForThisWeek_AndRefusesAPastWeek()
    {
        var form = await ClickAsync("oracle:answer:2026-w49");
        Assert.Equal("oracle:form:2026-w49", form.Modal!.CustomId);
        var input = Assert.Single(form.Modal.Inputs);
        Assert.Equal((OracleText.AnswerInput, OracleText.MaxAnswerLength), (input.CustomId, input.MaxLength!.Value));
        Assert.True(form.Modal.Title.Length <= ModalPrompt.MaxTitleLength);

        var past = await ClickAsync("oracle:answer:2026-w48");
        Assert.Null(past.Modal);
        Assert.True(past.Ephemeral);
        Assert.Contains("closed", past.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswer_IsKeptOncePerMemberPerWeek_ASecondReplacesIt_AndTheWeekIsMarked()
    {
        var week = new OracleWeek(2026, 49);
        await _oracle.TryWriteEditionAsync(new OracleEdition(Guild, week, "Q?", Channel, _time.GetUtcNow()) { Placed = true }, CancellationToken.None);

        Assert.Contains("is in", (await SubmitAsync("oracle:form:2026-w49", "  first  ")).Content, StringComparison.Ordinal);
        Assert.Contains("replaces", (await SubmitAsync("oracle:form:2026-w49", "second")).Content, StringComparison.Ordinal);
        var answer = Assert.Single(await _oracle.ListAnswersAsync(Guild, week, CancellationToken.None));
        Assert.Equal("second", answer.Text);
        Assert.Equal(2, (await _projections.GetAsync(OracleText.WeekKey(Guild, week), CancellationToken.None))!.Version);

        var rendered = await new OracleWeekRenderer(_oracle, Options.Create(new OracleOptions())).RenderAsync(OracleText.WeekKey(Guild, week), CancellationToken.None);
        Assert.Contains("1 answer", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("“second”", rendered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadAnswers_AndAnswersToAPastWeek_AreRefused_AndNothingIsSaved()
    {
        var week = new OracleWeek(2026, 48);
        await _oracle.TryWriteEditionAsync(new OracleEdition(Guild, week, "Q?", Channel, _time.GetUtcNow()), CancellationToken.None);
        Assert.Contains("closed", (await SubmitAsync("oracle:form:2026-w48", "late")).Content, StringComparison.Ordinal);
        Assert.Contains("empty", (await SubmitAsync("oracle:form:2026-w49", " ")).Content, StringComparison.Ordinal);
        Assert.Contains("limit", (await SubmitAsync("oracle:form:2026-w49", new string('x', 501))).Content, StringComparison.Ordinal);
        Assert.Contains("no oracle prompt", (await SubmitAsync("oracle:form:2026-w49", "fine")).Content, StringComparison.Ordinal);
        Assert.Empty(await _oracle.ListAnswersAsync(Guild, week, CancellationToken.None));
        Assert.Empty(await _oracle.ListAnswersAsync(Guild, new OracleWeek(2026, 49), CancellationToken.None));
    }

    [Fact]
    public async Task OneGuildsTrouble_DoesNotHoldUpTheOthers_AndIsCounted()
    {
        await SetupAsync("monday", 0);
        await _oracle.TryWriteSetupAsync(new OracleSetup(Broken, Channel, DayOfWeek.Monday, 0), CancellationToken.None);
        var publisher = new OraclePublisher(new FailingFor(Broken, _oracle), Calendar(), Changes(), Options.Create(new OracleOptions()), NullLogger<OraclePublisher>.Instance);

        var run = await publisher.RunAsync("r", CancellationToken.None);

        Assert.Equal((2, 1, 1), (run.Guilds, run.Published, run.Failed));
        Assert.Equal(Guild, Assert.Single(_oracle.Editions).GuildId);
    }

    private const ulong Broken = 901;

    /// <summary>The store, except that one guild's editions can't be read (its partition unreachable, say).</summary>
    private sealed class FailingFor(ulong guildId, IOracleStore inner) : IOracleStore
    {
        public Task<OracleSetup?> GetSetupAsync(ulong guild, CancellationToken cancellationToken) => inner.GetSetupAsync(guild, cancellationToken);

        public Task<bool> TryWriteSetupAsync(OracleSetup setup, CancellationToken cancellationToken) => inner.TryWriteSetupAsync(setup, cancellationToken);

        public Task<IReadOnlyList<OracleSetup>> ListSetupsAsync(CancellationToken cancellationToken) => inner.ListSetupsAsync(cancellationToken);

        public Task<OracleEdition?> GetEditionAsync(ulong guild, OracleWeek week, CancellationToken cancellationToken) =>
            guild == guildId ? throw new InvalidOperationException("unreachable") : inner.GetEditionAsync(guild, week, cancellationToken);

        public Task<bool> TryWriteEditionAsync(OracleEdition edition, CancellationToken cancellationToken) => inner.TryWriteEditionAsync(edition, cancellationToken);

        public Task<OracleAnswer?> GetAnswerAsync(ulong guild, OracleWeek week, ulong userId, CancellationToken cancellationToken) => inner.GetAnswerAsync(guild, week, userId, cancellationToken);

        public Task<bool> TryWriteAnswerAsync(OracleAnswer answer, CancellationToken cancellationToken) => inner.TryWriteAnswerAsync(answer, cancellationToken);

        public Task<IReadOnlyList<OracleAnswer>> ListAnswersAsync(ulong guild, OracleWeek week, CancellationToken cancellationToken) => inner.ListAnswersAsync(guild, week, cancellationToken);
    }
}
