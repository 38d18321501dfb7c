using System.Globalization;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;

namespace Serverless.Domain.Tests.Features.Music;

public sealed class MusicTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(205, "3:25")]
    [InlineData(5, "0:05")]
    [InlineData(3723, "1:02:03")]
    public void Duration_IsMinutesSeconds_OrHoursFromAnHour(int seconds, string expected) =>
        Assert.Equal(expected, MusicText.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Queued_NamesTitleAuthorLengthAndPosition_EscapingMarkdown()
    {
        var track = MusicSessionTests.Track("a") with { Title = "Sk*8er_Boi", Author = "Avril" };

        Assert.Equal(@"Queued **Sk\*8er\_Boi** by Avril (3:25) — position 4", MusicText.Queued(track, 4));
    }

    [Fact]
    public void QueuePage_ShowsTenPerPage_AndWhichPageOfHowMany()
    {
        var session = new MusicSession(1, 2, 3);
        session.Enqueue(Enumerable.Range(1, 46).Select(i => MusicSessionTests.Track("t" + i.ToString(CultureInfo.InvariantCulture))));
        session.AdvanceToNext(Now);

        var page = MusicText.QueuePage(session, 3, Now);

        Assert.Contains("**Now:** **t1**", page, StringComparison.Ordinal);
        Assert.Contains("21. **t22**", page, StringComparison.Ordinal);
        Assert.Contains("30. **t31**", page, StringComparison.Ordinal);
        Assert.DoesNotContain("31. ", page, StringComparison.Ordinal);
        Assert.Contains("Page 3 of 5", page, StringComparison.Ordinal);
        Assert.Contains("Page 5 of 5", MusicText.QueuePage(session, 99, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void NowPlaying_HasProgressBarTimesAndARequesterMention()
    {
        var session = new MusicSession(1, 2, 3);
        session.Enqueue([MusicSessionTests.Track("song", 200, requester: 777)]);
        session.AdvanceToNext(Now);
        session.RecordPosition(100_000, Now);

        var text = MusicText.NowPlaying(session, Now);

        Assert.Contains("1:40 / 3:20", text, StringComparison.Ordinal);
        Assert.Contains("<@777>", text, StringComparison.Ordinal);
        Assert.Contains(MusicText.ProgressBar(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(200)), text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgressBar_PutsTheMarkerInProportion()
    {
        Assert.Equal("●───", MusicText.ProgressBar(TimeSpan.Zero, TimeSpan.FromMinutes(1), 4));
        Assert.Equal("━━━●", MusicText.ProgressBar(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 4));
        Assert.Equal("━━●──", MusicText.ProgressBar(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), 5));
    }

    [Fact]
    public void Definition_IsDeferredToVoice_InTheCatalog_WithAllSubcommands()
    {
        Assert.Contains(MusicCommand.Definition, CommandCatalog.Definitions);
        Assert.Equal(CommandResponseMode.DeferredToVoice, MusicCommand.Definition.ResponseMode);
        Assert.Equal(
            ["play", "pause", "resume", "skip", "stop", "queue", "nowplaying", "shuffle", "unshuffle", "volume", "leave"],
            MusicCommand.Definition.Options.Select(option => option.Name));
    }

    [Theory]
    [InlineData("play", "query", "  never gonna  ", true)]
    [InlineData("play", "query", "   ", false)]
    [InlineData("volume", "level", "200", true)]
    [InlineData("volume", "level", "201", false)]
    [InlineData("volume", "level", "-1", false)]
    [InlineData("queue", "page", "0", false)]
    [InlineData("queue", "page", "2", true)]
    [InlineData("dance", "x", "y", false)]
    public void TryParse_ChecksEachSubcommandsOptions(string subcommand, string option, string value, bool valid)
    {
        var ok = MusicCommand.TryParse(new Dictionary<string, string> { ["subcommand"] = subcommand, [option] = value }, out var request, out var error);

        Assert.Equal(valid, ok);
        Assert.Equal(valid, error is null);
        if (subcommand == "play" && valid)
        {
            Assert.Equal("never gonna", request.Query);
        }
    }

    [Fact]
    public void TryParse_ReadsButtonsFromTheButtonOption()
    {
        Assert.True(MusicCommand.TryParse(new Dictionary<string, string> { ["button"] = "music:skip" }, out var request, out _));
        Assert.Equal(new MusicRequest(MusicAction.Skip) { FromButton = true }, request);
        Assert.False(MusicCommand.TryParse(new Dictionary<string, string> { ["button"] = "music:explode" }, out _, out _));
    }
}
