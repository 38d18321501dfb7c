using Serverless.Domain.Features.ScheduledPosts;
using static Serverless.Domain.Tests.Features.ScheduledPosts.Zones;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class PostTextAndNonceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public void TryNormalize_Empty_IsRefused(string? text)
    {
        Assert.False(PostContent.TryNormalize(text, out var content, out var error));

        Assert.Equal("The post text is empty.", error);
        Assert.Equal(string.Empty, content);
    }

    [Fact]
    public void TryNormalize_TooLong_SaysHowLongWithThousandsSeparators()
    {
        Assert.False(PostContent.TryNormalize(new string('a', 2345), out _, out var error));
        Assert.Equal("The post text is 2,345 characters; Discord allows 2,000.", error);
    }

    [Fact]
    public void TryNormalize_TrimsButKeepsInnerNewlines()
    {
        Assert.True(PostContent.TryNormalize("  Hello\n\nworld  \n", out var content, out var error));

        Assert.Null(error);
        Assert.Equal("Hello\n\nworld", content);
    }

    [Fact]
    public void TryNormalize_ExactlyTheLimitAfterTrimming_IsAccepted()
    {
        Assert.True(PostContent.TryNormalize(" " + new string('a', PostContent.MaxLength) + " ", out var content, out _));
        Assert.Equal(PostContent.MaxLength, content.Length);
    }

    [Fact]
    public void Nonce_IsShortAsciiAndDeterministic()
    {
        var occurrence = Utc("2026-11-24T08:00:00Z");

        var nonce = PostNonce.For("01JD5ZK8Q0W3Y6V8M2N4P6R8T0-some-long-post-id", occurrence);

        Assert.InRange(nonce.Length, 1, 25);
        Assert.Matches("^[A-Za-z0-9]+$", nonce);
        Assert.Equal(nonce, PostNonce.For("01JD5ZK8Q0W3Y6V8M2N4P6R8T0-some-long-post-id", occurrence));
        Assert.Equal(nonce, PostNonce.For("01JD5ZK8Q0W3Y6V8M2N4P6R8T0-some-long-post-id", occurrence.ToOffset(TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Nonce_DiffersByOccurrenceAndByPost()
    {
        var occurrence = Utc("2026-11-24T08:00:00Z");

        var nonces = new[]
        {
            PostNonce.For("post-1", occurrence),
            PostNonce.For("post-1", occurrence.AddDays(1)),
            PostNonce.For("post-1", occurrence.AddSeconds(1)),
            PostNonce.For("post-2", occurrence),
        };

        Assert.Equal(nonces.Length, nonces.Distinct(StringComparer.Ordinal).Count());
    }
}
