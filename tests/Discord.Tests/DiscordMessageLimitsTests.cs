using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;

namespace Serverless.Discord.Tests;

public sealed class DiscordMessageLimitsTests
{
    [Fact]
    public void Fit_ContentWithinTheLimit_IsLeftAsItIs()
    {
        var message = new MessageCreatePayload { Content = new string('a', 2000) };

        Assert.Null(DiscordMessageLimits.Fit(message));
        Assert.Equal(new string('a', 2000), message.Content);
    }

    [Fact]
    public void Fit_LongEditContent_IsShortenedWithAnEllipsisAndReportsTheOriginalLength()
    {
        var edit = new MessageEditPayload { Content = new string('a', 2600) };

        Assert.Equal(2600, DiscordMessageLimits.Fit(edit));
        Assert.Equal(new string('a', 1999) + "…", edit.Content);
    }

    [Fact]
    public void Fit_LongContentOfEmoji_NeverSplitsOne()
    {
        var response = new InteractionResponsePayload
        {
            Type = InteractionCallbackType.ChannelMessageWithSource,
            Data = new InteractionCallbackDataPayload { Content = string.Concat(Enumerable.Repeat("😀", 1500)) },
        };

        Assert.Equal(3000, DiscordMessageLimits.Fit(response));
        var content = response.Data.Content!;
        Assert.True(content.Length <= 2000);
        Assert.EndsWith("😀…", content, StringComparison.Ordinal);
        Assert.Equal(content.Length - 1, content.Count(char.IsSurrogate));
    }

    [Fact]
    public void Fit_NoContentToChange_LeavesAnEditsContentOut()
    {
        var edit = new MessageEditPayload { Components = [] };

        Assert.Null(DiscordMessageLimits.Fit(edit));
        Assert.Null(edit.Content);
    }

    public static TheoryData<string, MessageCreatePayload> OverLimitMessages() => new()
    {
        { "6 action rows", new MessageCreatePayload { Components = [.. Enumerable.Range(0, 6).Select(_ => Row(Button("b")))] } },
        { "6 buttons in a row", new MessageCreatePayload { Components = [Row([.. Enumerable.Range(0, 6).Select(i => Button($"b{i}"))])] } },
        { "an empty row", new MessageCreatePayload { Components = [Row()] } },
        { "a button at the top level", new MessageCreatePayload { Components = [Button("b")] } },
        { "a 101-character custom_id", new MessageCreatePayload { Components = [Row(Button(new string('c', 101)))] } },
        { "an 81-character label", new MessageCreatePayload { Components = [Row(Button("b", new string('l', 81)))] } },
    };

    [Theory]
    [MemberData(nameof(OverLimitMessages))]
    public void Fit_ComponentsOverALimit_Throw(string problem, MessageCreatePayload message)
    {
        Assert.NotEmpty(problem);
        Assert.Throws<DiscordMessageLimitException>(() => DiscordMessageLimits.Fit(message));
    }

    [Fact]
    public void Fit_FiveRowsOfFiveButtons_IsAccepted()
    {
        var message = new MessageCreatePayload { Components = [.. Enumerable.Range(0, 5).Select(r => Row([.. Enumerable.Range(0, 5).Select(b => Button($"{r}:{b}", new string('l', 80)))]))] };

        Assert.Null(DiscordMessageLimits.Fit(message));
    }

    [Theory]
    [InlineData(46, 45, 100)]
    [InlineData(45, 46, 100)]
    [InlineData(45, 45, 101)]
    public void Fit_ModalOverALimit_Throws(int titleLength, int labelLength, int customIdLength)
    {
        var modal = Modal(new string('t', titleLength), new string('l', labelLength), new string('c', customIdLength));

        Assert.Throws<DiscordMessageLimitException>(() => DiscordMessageLimits.Fit(modal));
    }

    [Fact]
    public void Fit_ModalAtTheLimits_IsAccepted()
    {
        Assert.Null(DiscordMessageLimits.Fit(Modal(new string('t', 45), new string('l', 45), new string('c', 100))));
    }

    [Fact]
    public void Fit_TwentySixAutocompleteChoices_Throws()
    {
        var response = new InteractionResponsePayload
        {
            Type = InteractionCallbackType.ApplicationCommandAutocompleteResult,
            Data = new InteractionCallbackDataPayload { Choices = [.. Enumerable.Range(0, 26).Select(i => new AutocompleteChoicePayload { Name = $"n{i}", Value = $"v{i}" })] },
        };

        Assert.Throws<DiscordMessageLimitException>(() => DiscordMessageLimits.Fit(response));
    }

    private static MessageComponentPayload Row(params MessageComponentPayload[] buttons) =>
        new() { Type = MessageComponentPayload.ActionRowType, Components = [.. buttons] };

    private static MessageComponentPayload Button(string customId, string label = "Go") =>
        new() { Type = MessageComponentPayload.ButtonType, Style = MessageComponentPayload.PrimaryStyle, CustomId = customId, Label = label };

    private static InteractionResponsePayload Modal(string title, string label, string customId) => new()
    {
        Type = InteractionCallbackType.Modal,
        Data = new InteractionCallbackDataPayload
        {
            CustomId = customId,
            Title = title,
            Components =
            [
                new ComponentPayload
                {
                    Type = ComponentType.ActionRow,
                    Components = [new ComponentPayload { Type = ComponentType.TextInput, CustomId = "content", Label = label, Style = TextInputStyle.Paragraph, MaxLength = 2000 }],
                },
            ],
        },
    };
}
