using Serverless.Domain.Permissions;

namespace Serverless.Domain.Tests.Permissions;

public sealed class PostingCheckTests
{
    private const ulong Channel = 123;
    private const DiscordPermissions ViewAndSend = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages;

    [Theory]
    [InlineData(DiscordChannelType.GuildText)]
    [InlineData(DiscordChannelType.GuildAnnouncement)]
    public void TextAndAnnouncementChannels_WithViewAndSend_CanPost(DiscordChannelType type)
    {
        var check = PostingCheck.For(Channel, type, ViewAndSend);

        Assert.True(check.CanPost);
        Assert.Null(check.Problem);
    }

    [Fact]
    public void MissingSendMessages_SaysSo()
    {
        var check = PostingCheck.For(Channel, DiscordChannelType.GuildText, DiscordPermissions.ViewChannel);

        Assert.False(check.CanPost);
        Assert.Equal("I can't post in <#123>: I'm missing Send Messages there.", check.Problem);
    }

    [Fact]
    public void MissingViewChannel_IsReportedFirst()
    {
        var check = PostingCheck.For(Channel, DiscordChannelType.GuildText, DiscordPermissions.SendMessages);

        Assert.Equal("I can't post in <#123>: I can't see that channel (missing View Channel).", check.Problem);
    }

    [Fact]
    public void VoiceChannel_IsRefusedWhateverThePermissions()
    {
        var check = PostingCheck.For(Channel, DiscordChannelType.GuildVoice, DiscordPermissions.All);

        Assert.Equal("<#123> is a voice channel; pick a text or announcement channel.", check.Problem);
    }

    [Theory]
    [InlineData(DiscordChannelType.AnnouncementThread)]
    [InlineData(DiscordChannelType.PublicThread)]
    [InlineData(DiscordChannelType.PrivateThread)]
    public void Threads_AreRefused(DiscordChannelType type) =>
        Assert.Equal("Pick a text or announcement channel, not a thread.", PostingCheck.For(Channel, type, DiscordPermissions.All).Problem);

    [Theory]
    [InlineData(DiscordChannelType.GuildCategory, "<#123> is a category; pick a text or announcement channel.")]
    [InlineData(DiscordChannelType.GuildForum, "<#123> is a forum channel; pick a text or announcement channel.")]
    [InlineData(DiscordChannelType.GuildMedia, "<#123> is a media channel; pick a text or announcement channel.")]
    [InlineData(DiscordChannelType.GuildStageVoice, "<#123> is a stage channel; pick a text or announcement channel.")]
    [InlineData(DiscordChannelType.Dm, "Pick a text or announcement channel in this server.")]
    [InlineData((DiscordChannelType)99, "<#123> is not a text or announcement channel; pick one that is.")]
    public void OtherChannelTypes_SayWhatTheyAre(DiscordChannelType type, string problem) =>
        Assert.Equal(problem, PostingCheck.ForChannelType(Channel, type).Problem);

    [Fact]
    public void OtherGuild_NamesTheChannel() =>
        Assert.Equal("<#123> is in another server; pick a channel in this one.", PostingCheck.OtherGuild(Channel).Problem);

    [Fact]
    public void EndToEnd_EveryoneDenyWithRoleAllow_CanPost()
    {
        var permissions = ChannelPermissionCalculator.Compute(
            guildId: 1,
            ownerId: 2,
            roles: [new GuildRole(1, ViewAndSend), new GuildRole(10, DiscordPermissions.None)],
            userId: 3,
            memberRoleIds: [10],
            overwrites: [new PermissionOverwrite(1, OverwriteTarget.Role, DiscordPermissions.None, DiscordPermissions.SendMessages), new PermissionOverwrite(10, OverwriteTarget.Role, DiscordPermissions.SendMessages, DiscordPermissions.None)]);

        Assert.Equal(PostingCheck.Allowed, PostingCheck.For(Channel, DiscordChannelType.GuildText, permissions));
    }
}
