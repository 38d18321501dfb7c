using System.Security.Cryptography;
using System.Text;

namespace Serverless.Domain.Projections;

/// <summary>
/// What a projection's message shows, as its renderer made it from stored state. Text only (Discord's 2,000 characters,
/// longer text is cut with an ellipsis); posted with no allowed mentions, so a <c>&lt;@id&gt;</c> shows a name and pings nobody.
/// </summary>
public sealed record ProjectionContent
{
    public const int MaxLength = 2000;

    public ProjectionContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
    }

    public string Text { get; }

    /// <summary>What a refresh compares with the last published content: equal hashes make no Discord call.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..32];
}
