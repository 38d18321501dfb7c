using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;

namespace Serverless.Discord;

/// <summary>
/// Discord's limits on what a message or an interaction response may hold, checked in one place: every inline answer,
/// deferred edit, follow-up and channel post goes through a <c>Fit</c> here before it is sent, because Discord refuses
/// the whole message for one field over its limit and the user then sees only "interaction failed".
/// </summary>
/// <remarks>
/// Content is where text we do not control ends up (echoed input, stored posts, long lists), so content over the limit
/// is shortened with "…" and the caller logs that it was. Everything else (rows, buttons, custom_ids, labels, titles,
/// choices) is built by our own code: over a limit is a bug, so it throws <see cref="DiscordMessageLimitException"/>
/// and fails the test that built it. The bot sends no embeds; their limits belong here when it does.
/// </remarks>
public static class DiscordMessageLimits
{
    public const int MaxContentLength = 2000;
    public const int MaxActionRows = 5;
    public const int MaxComponentsPerRow = 5;
    public const int MaxCustomIdLength = 100;
    public const int MaxButtonLabelLength = 80;
    public const int MaxModalTitleLength = 45;
    public const int MaxTextInputLabelLength = 45;
    public const int MaxTextInputLength = 4000;
    public const int MaxChoices = 25;
    public const int MaxChoiceNameLength = 100;
    public const int MaxChoiceValueLength = 100;

    /// <summary>Fits a new channel message or follow-up, in place; see the class remarks.</summary>
    /// <returns>The content's length before it was shortened, or null when it fit as it was.</returns>
    /// <exception cref="DiscordMessageLimitException">A component breaks one of Discord's limits.</exception>
    public static int? Fit(MessageCreatePayload message)
    {
        ArgumentNullException.ThrowIfNull(message);
        CheckMessageComponents(message.Components);
        var (content, originalLength) = FitContent(message.Content);
        message.Content = content;
        return originalLength;
    }

    /// <inheritdoc cref="Fit(MessageCreatePayload)"/>
    public static int? Fit(MessageEditPayload edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        CheckMessageComponents(edit.Components);
        var (content, originalLength) = FitContent(edit.Content);
        edit.Content = content;
        return originalLength;
    }

    /// <summary>Fits an inline interaction response (a message, a modal or autocomplete choices), in place.</summary>
    /// <inheritdoc cref="Fit(MessageCreatePayload)"/>
    public static int? Fit(InteractionResponsePayload response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Data is not { } data)
        {
            return null;
        }

        if (response.Type == InteractionCallbackType.Modal)
        {
            CheckModal(data);
        }

        CheckChoices(data.Choices);
        var (content, originalLength) = FitContent(data.Content);
        data.Content = content;
        return originalLength;
    }

    private static (string? Content, int? OriginalLength) FitContent(string? content) =>
        content is { Length: > MaxContentLength }
            ? (ReplyText.Shorten(content, MaxContentLength), content.Length)
            : (content, null);

    private static void CheckMessageComponents(List<MessageComponentPayload>? rows)
    {
        if (rows is null)
        {
            return;
        }

        if (rows.Count > MaxActionRows)
        {
            throw Refused($"a message has {rows.Count} action rows; Discord allows {MaxActionRows}");
        }

        foreach (var row in rows)
        {
            if (row.Type != MessageComponentPayload.ActionRowType)
            {
                throw Refused($"a message's top-level component has type {row.Type}; it must be an action row");
            }

            var children = row.Components ?? [];
            if (children.Count is 0 or > MaxComponentsPerRow)
            {
                throw Refused($"an action row holds {children.Count} components; Discord allows 1 to {MaxComponentsPerRow}");
            }

            foreach (var child in children)
            {
                if (child.Components is not null)
                {
                    throw Refused("a button holds components; only action rows do");
                }

                CheckLength(child.CustomId, MaxCustomIdLength, "a component's custom_id");
                CheckLength(child.Label, MaxButtonLabelLength, "a button's label");
            }
        }
    }

    private static void CheckModal(InteractionCallbackDataPayload modal)
    {
        if (string.IsNullOrEmpty(modal.Title))
        {
            throw Refused("a modal has no title");
        }

        CheckLength(modal.Title, MaxModalTitleLength, "a modal's title");
        if (string.IsNullOrEmpty(modal.CustomId))
        {
            throw Refused("a modal has no custom_id");
        }

        CheckLength(modal.CustomId, MaxCustomIdLength, "a modal's custom_id");
        var rows = modal.Components ?? [];
        if (rows.Count is 0 or > MaxActionRows)
        {
            throw Refused($"a modal has {rows.Count} rows; Discord allows 1 to {MaxActionRows}");
        }

        foreach (var row in rows)
        {
            if (row is not { Type: ComponentType.ActionRow, Components: [{ Type: ComponentType.TextInput } input] })
            {
                throw Refused("a modal row must be an action row holding one text input");
            }

            if (string.IsNullOrEmpty(input.CustomId))
            {
                throw Refused("a text input has no custom_id");
            }

            CheckLength(input.CustomId, MaxCustomIdLength, "a text input's custom_id");
            CheckLength(input.Label, MaxTextInputLabelLength, "a text input's label");
            if (input.MaxLength is <= 0 or > MaxTextInputLength)
            {
                throw Refused($"a text input's max_length is {input.MaxLength}; Discord allows 1 to {MaxTextInputLength}");
            }
        }
    }

    private static void CheckChoices(List<AutocompleteChoicePayload>? choices)
    {
        if (choices is null)
        {
            return;
        }

        if (choices.Count > MaxChoices)
        {
            throw Refused($"an autocomplete answer has {choices.Count} choices; Discord allows {MaxChoices}");
        }

        foreach (var choice in choices)
        {
            if (choice.Name.Length is 0 or > MaxChoiceNameLength)
            {
                throw Refused($"a choice's name is {choice.Name.Length} characters; Discord allows 1 to {MaxChoiceNameLength}");
            }

            CheckLength(choice.Value, MaxChoiceValueLength, "a choice's value");
        }
    }

    private static void CheckLength(string? text, int max, string what)
    {
        if (text is { Length: var length } && length > max)
        {
            throw Refused($"{what} is {length} characters; Discord allows {max}");
        }
    }

    private static DiscordMessageLimitException Refused(string problem) => new($"Discord would refuse this message: {problem}.");
}

/// <summary>
/// A message the bot built breaks one of Discord's limits that <see cref="DiscordMessageLimits"/> does not fix by
/// shortening content: a bug in the code that built it, not something to retry.
/// </summary>
public sealed class DiscordMessageLimitException : InvalidOperationException
{
    public DiscordMessageLimitException()
    {
    }

    public DiscordMessageLimitException(string message)
        : base(message)
    {
    }

    public DiscordMessageLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
