using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Oracle;

/// <summary>The <c>Oracle</c> section (environment: <c>Oracle__*</c>).</summary>
public sealed class OracleOptions
{
    public const string SectionName = "Oracle";

    /// <summary>Longest prompt: it heads a message that must leave room for the answers.</summary>
    public const int MaxPromptLength = 300;

    /// <summary>Used when <see cref="Prompts"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultPrompts { get; } =
    [
        "What small thing made your week better?",
        "What are you looking forward to next week?",
        "What did you learn this week?",
        "Recommend something: a song, a book, a game, a walk.",
        "What would you tell yourself from last Monday?",
        "What is one thing you finished this week?",
        "Who helped you this week, and how?",
        "What are you curious about right now?",
        "Describe your week in three words.",
        "What is a habit you'd like to start?",
        "What made you laugh this week?",
        "If you had a free day tomorrow, how would you spend it?",
    ];

    /// <summary>
    /// The prompts (<c>Oracle__Prompts__0</c>, <c>Oracle__Prompts__1</c>, …); empty means <see cref="DefaultPrompts"/>.
    /// Empty by default because configuration binding adds to a list rather than replacing it.
    /// </summary>
    public List<string> Prompts { get; set; } = [];

    /// <summary>How many answers the week's message shows (the newest); the count shows them all.</summary>
    public int AnswersShown { get; set; } = 5;

    public IReadOnlyList<string> EffectivePrompts => Prompts.Count == 0 ? DefaultPrompts : Prompts;
}

public sealed class OracleOptionsValidator : IValidateOptions<OracleOptions>
{
    public ValidateOptionsResult Validate(string? name, OracleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        for (var index = 0; index < options.Prompts.Count; index++)
        {
            var prompt = options.Prompts[index];
            if (string.IsNullOrWhiteSpace(prompt) || prompt.Length > OracleOptions.MaxPromptLength)
            {
                failures.Add($"Oracle__Prompts__{index} must be 1 to {OracleOptions.MaxPromptLength} characters.");
            }
        }

        if (options.AnswersShown is < 1 or > 10)
        {
            failures.Add("Oracle__AnswersShown must be 1 to 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
