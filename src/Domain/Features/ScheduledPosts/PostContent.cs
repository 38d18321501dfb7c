using System.Globalization;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>The text of a scheduled post, checked against Discord's message limit when staff write it rather than when the timer publishes it.</summary>
public static class PostContent
{
    public const int MaxLength = 2000;

    public static bool TryNormalize(string? text, out string content, out string? error)
    {
        content = string.Empty;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            error = "The post text is empty.";
            return false;
        }

        if (trimmed.Length > MaxLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The post text is {trimmed.Length:N0} characters; Discord allows {MaxLength:N0}.");
            return false;
        }

        content = trimmed;
        error = null;
        return true;
    }
}
