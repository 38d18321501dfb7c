using Serverless.Domain.Commands;
using Serverless.Storage.Queues;

namespace Serverless.Storage.Tests;

public sealed class InteractionMessageCodecTests
{
    [Fact]
    public void EncodeThenDecode_KeepsEveryField()
    {
        var command = new DeferredCommand
        {
            InteractionId = 1312345678901234567,
            ApplicationId = 100000000000000001,
            InteractionToken = "token",
            EnqueuedAt = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
            Invocation = new CommandInvocation
            {
                CommandName = "status",
                CorrelationId = "abc",
                // As the endpoint maps it: features use it as a natural key (a duel's id, a post's id).
                InteractionId = 1312345678901234567,
                GuildId = 900000000000000001,
                ChannelId = 900000000000000002,
                UserId = 80351110224678912,
                MemberRoleIds = [5, 6],
                MemberPermissions = MemberPermissions.ManageMessages | (MemberPermissions)(1UL << 40),
                Locale = "en-GB",
                Options = new Dictionary<string, string> { ["verbose"] = "true" },
            },
        };

        Assert.True(InteractionMessageCodec.TryDecode(InteractionMessageCodec.Encode(command), out var decoded, out _));

        Assert.Equal(command with { Invocation = decoded!.Invocation }, decoded);
        Assert.Equal(command.Invocation with { Options = decoded.Invocation.Options, MemberRoleIds = decoded.Invocation.MemberRoleIds }, decoded.Invocation);
        Assert.Equal([5UL, 6UL], decoded.Invocation.MemberRoleIds);
        Assert.Equal("true", decoded.Invocation.Options["verbose"]);
    }

    [Theory]
    [InlineData("""{"v":1,"kind":"interaction","correlationId":"c","feature":"status"}""", "lacks")]
    [InlineData("""{"v":3,"kind":"interaction"}""", "v=3")]
    [InlineData("""[]""", "not valid JSON")]
    [InlineData("""null""", "empty")]
    public void Decode_BadMessage_SaysWhy(string text, string reason)
    {
        Assert.False(InteractionMessageCodec.TryDecode(text, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
