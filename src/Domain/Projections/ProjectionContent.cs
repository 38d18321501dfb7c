using System.Security.Cryptography;
using System.Text;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Projections;

/// <summary>
/// What a projection's message shows, as its renderer made it from stored state: text (Discord's 2,000 characters,
/// longer text is cut with an ellipsis) and buttons under it. Posted with no allowed mentions, so a <c>&lt;@id&gt;</c>
/// shows a name and pings nobody.
/// </summary>
public sealed record ProjectionContent
{
    public const int MaxLength = 2000;

    /// <summary>Discord's limit: five rows of five.</summary>
    public const int MaxButtons = 25;

    public ProjectionContent(string text, IReadOnlyList<ReplyButton>? buttons = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (buttons?.Count > MaxButtons)
        {
            throw new ArgumentException($"A message holds at most {MaxButtons} buttons.", nameof(buttons));
        }

        Text = text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
        Buttons = buttons ?? [];
    }

    public string Text { get; }

    /// <summary>The message's buttons; their custom_ids must start with a prefix a feature registered.</summary>
    public IReadOnlyList<ReplyButton> Buttons { get; }

    /// <summary>What a refresh compares with the last published content: equal hashes make no Discord call.</summary>
    public string Hash
    {
        get
        {
            var whole = new StringBuilder(Text);
            foreach (var button in Buttons)
            {
                whole.Append('\0').Append(button.CustomId).Append('\0').Append(button.Label).Append('\0').Append((int)button.Style);
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(whole.ToString())))[..32];
        }
    }
}
