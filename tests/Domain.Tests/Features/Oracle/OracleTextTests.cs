using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Tests.Features.Oracle;

/// <summary>The answer's checks, the safe quoting of what members typed, the week's message within limits, and the options.</summary>
public sealed class OracleTextTests
{
    private static readonly OracleWeek Week = new(2026, 49);
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void AnEmptyAnswer_IsRefused(string? typed) =>
        Assert.Contains("empty", OracleText.AnswerRefusal(typed, out _), StringComparison.Ordinal);

    [Fact]
    public void ATooLongAnswer_IsRefused_AndOneAtTheLimitKeptTrimmed()
    {
        Assert.Contains("limit is 500", OracleText.AnswerRefusal(new string('x', OracleText.MaxAnswerLength + 1), out _), StringComparison.Ordinal);
        Assert.Null(OracleText.AnswerRefusal($"  {new string('x', OracleText.MaxAnswerLength)}  ", out var kept));
        Assert.Equal(OracleText.MaxAnswerLength, kept.Length);
    }

    [Fact]
    public void TypedText_IsShownOnOneLine_Shortened_AndWithNoRawMention()
    {
        var shown = OracleText.Inert("hi @everyone\nand @here " + new string('y', 200), OracleText.QuotedLength);
        Assert.DoesNotContain("@everyone", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("@here", shown, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', shown);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWeeksMessage_ShowsPromptCountNewestAnswersAndTheButton()
    {
        var edition = new OracleEdition(9, Week, "What made your week?", 5, Now);
        var answers = Enumerable.Range(1, 7).Select(user => new OracleAnswer(9, Week, (ulong)user, $"answer {user}", Now.AddMinutes(user))).ToList();
        var content = OracleText.Render(edition, answers, shown: 5);
        Assert.Contains("week 2026-W49", content.Text, StringComparison.Ordinal);
        Assert.Contains("> What made your week?", content.Text, StringComparison.Ordinal);
        Assert.Contains("7 answers (the newest 5)", content.Text, StringComparison.Ordinal);
        Assert.Contains("<@7>: “answer 7”", content.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@2>", content.Text, StringComparison.Ordinal);
        var button = Assert.Single(content.Buttons);
        Assert.Equal(("oracle:answer:2026-w49", "Answer"), (button.CustomId, button.Label));
        Assert.Contains("No answers yet", OracleText.Render(edition, [], 5).Text, StringComparison.Ordinal);
        Assert.Contains("1 answer:", OracleText.Render(edition, answers.Take(1).ToList(), 5).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLongestPromptAndTenLongestAnswers_FitOneMessage()
    {
        var edition = new OracleEdition(9, Week, new string('p', OracleOptions.MaxPromptLength), 5, Now);
        var answers = Enumerable.Range(1, 10)
            .Select(user => new OracleAnswer(9, Week, ulong.MaxValue - (ulong)user, "😀" + new string('a', OracleText.MaxAnswerLength - 2), Now))
            .ToList();
        var content = OracleText.Render(edition, answers, shown: 10);
        Assert.True(content.Text.Length <= ProjectionContent.MaxLength);
        Assert.DoesNotContain("…\n…", content.Text, StringComparison.Ordinal);
        Assert.Equal(10, content.Text.Split('•').Length - 1);
    }

    [Fact]
    public void CustomIds_NameTheirWeek()
    {
        Assert.Equal(Week, OracleText.WeekOf(OracleText.ButtonId(Week), OracleText.ButtonPrefix));
        Assert.Equal(Week, OracleText.WeekOf(OracleText.FormId(Week), OracleText.FormPrefix));
        Assert.Null(OracleText.WeekOf(OracleText.FormId(Week), OracleText.ButtonPrefix));
        Assert.Null(OracleText.WeekOf("oracle:answer:soon", OracleText.ButtonPrefix));
        Assert.Equal("oracle/week:2026-w49/9", OracleText.WeekKey(9, Week).ToString());
    }

    [Fact]
    public void Options_FallBackToTheBuiltInPrompts_AndRefuseBadOnes()
    {
        var validator = new OracleOptionsValidator();
        Assert.Equal(OracleOptions.DefaultPrompts, new OracleOptions().EffectivePrompts);
        Assert.True(validator.Validate(null, new OracleOptions()).Succeeded);
        Assert.Equal(["mine"], new OracleOptions { Prompts = ["mine"] }.EffectivePrompts);

        var bad = validator.Validate(null, new OracleOptions { Prompts = ["ok", " ", new string('x', OracleOptions.MaxPromptLength + 1)], AnswersShown = 0 });
        Assert.True(bad.Failed);
        Assert.Contains("Oracle__Prompts__1", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Oracle__Prompts__2", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Oracle__AnswersShown", bad.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Oracle__Prompts__0", bad.FailureMessage, StringComparison.Ordinal);
        Assert.True(OracleOptions.DefaultPrompts.All(prompt => prompt.Length <= OracleOptions.MaxPromptLength));
    }

    [Fact]
    public void TheAnswerButton_IsAnsweredInline_SoItCanOpenAForm_WhileThePairButtonsAreDeferred()
    {
        var catalog = Commands.CommandCatalog.Current;
        Assert.Equal(Commands.CommandResponseMode.Inline, catalog.Find(Commands.RouteKind.Component, "oracle:answer:2026-w49")!.Execution);
        Assert.Equal(Commands.CommandResponseMode.Inline, catalog.Find(Commands.RouteKind.Form, "oracle:form:2026-w49")!.Execution);
        Assert.Equal(Commands.CommandResponseMode.Deferred, catalog.Find(Commands.RouteKind.Component, "pair:checkin:1")!.Execution);
    }
}
