using Serverless.Domain.Commands;

namespace Serverless.Domain.Tests;

public sealed class ReplyTextTests
{
    [Fact]
    public void Shorten_TextWithinTheLimit_IsUnchanged()
    {
        Assert.Equal("hello", ReplyText.Shorten("hello", 5));
    }

    [Fact]
    public void Shorten_LongerText_EndsInAnEllipsisWithinTheLimit()
    {
        var shortened = ReplyText.Shorten(new string('x', 2500), 2000);

        Assert.Equal(2000, shortened.Length);
        Assert.EndsWith("x…", shortened, StringComparison.Ordinal);
    }

    [Fact]
    public void Shorten_WhereTheCutFallsInsideAnEmoji_LeavesTheWholeEmojiOut()
    {
        // "a" then emoji (two UTF-16 units each): a cut after 4 units would keep half of the second emoji.
        var shortened = ReplyText.Shorten("a😀😀😀", 5);

        Assert.Equal("a😀…", shortened);
        Assert.False(char.IsHighSurrogate(shortened[^2]));
    }

    [Fact]
    public void Quote_LongInput_KeepsItsStartAndAnEllipsis()
    {
        Assert.Equal(new string('y', ReplyText.MaxQuotedLength) + "…", ReplyText.Quote(new string('y', 3000)));
        Assert.Equal("0 9 * * 1-5", ReplyText.Quote("0 9 * * 1-5"));
    }

    [Fact]
    public void Defuse_PutsAZeroWidthSpaceAfterEveryAt_SoNothingReadsAsAMention()
    {
        Assert.Equal("hi @\u200beveryone and @\u200bhere", ReplyText.Defuse("hi @everyone and @here"));
        Assert.Equal("no mentions", ReplyText.Defuse("no mentions"));
    }

    [Fact]
    public void Mention_IsTheMembersMarkup()
    {
        Assert.Equal("<@80351110224678912>", ReplyText.Mention(80351110224678912));
    }
}
