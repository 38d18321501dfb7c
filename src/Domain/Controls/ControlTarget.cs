using System.Diagnostics.CodeAnalysis;

namespace Serverless.Domain.Controls;

/// <summary>What a kill switch turns off: a whole feature (its commands, buttons, forms and queued work) or one command path.</summary>
public enum ControlTargetKind
{
    Feature,
    Command,
}

/// <summary>
/// A feature by its <c>IFeatureModule.Name</c> (<c>feature:music</c>), or a command path (<c>/schedule</c> for the
/// command and all its subcommands, <c>/schedule create</c> for one subcommand). Names are stored lower-case with
/// single spaces, so the same target always has the same key.
/// </summary>
public readonly record struct ControlTarget
{
    public const string FeaturePrefix = "feature:";

    private ControlTarget(ControlTargetKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public ControlTargetKind Kind { get; }

    /// <summary>The feature's name, or the command path without its slash (<c>schedule create</c>).</summary>
    public string Name { get; }

    public static ControlTarget Feature(string name) => new(ControlTargetKind.Feature, Normalize(name));

    public static ControlTarget Command(string path) => new(ControlTargetKind.Command, Normalize(path.TrimStart('/')));

    /// <summary>Reads <c>feature:NAME</c>, or a command path with or without its leading slash.</summary>
    public static bool TryParse(string? text, out ControlTarget target, [NotNullWhen(false)] out string? problem)
    {
        target = default;
        var trimmed = text?.Trim() ?? "";
        var isFeature = trimmed.StartsWith(FeaturePrefix, StringComparison.OrdinalIgnoreCase);
        var name = Normalize(isFeature ? trimmed[FeaturePrefix.Length..] : trimmed.TrimStart('/'));
        if (name.Length == 0 || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ' '))
        {
            problem = $"'{Shorten(trimmed)}' is not a target: give feature:NAME or a command path such as /schedule or \"/schedule create\".";
            return false;
        }

        if (isFeature && name.Contains(' ', StringComparison.Ordinal))
        {
            problem = $"'{Shorten(trimmed)}' is not a feature name: feature names have no spaces.";
            return false;
        }

        target = new ControlTarget(isFeature ? ControlTargetKind.Feature : ControlTargetKind.Command, name);
        problem = null;
        return true;
    }

    /// <summary>True when this command-path target covers <paramref name="commandPath"/>: itself or one of its subcommands.</summary>
    public bool CoversCommand(string commandPath) =>
        Kind == ControlTargetKind.Command
        && (string.Equals(commandPath, Name, StringComparison.Ordinal)
            || (commandPath.Length > Name.Length && commandPath[Name.Length] == ' ' && commandPath.StartsWith(Name, StringComparison.Ordinal)));

    /// <summary>The stable text form: <c>feature:music</c> or <c>/schedule create</c>.</summary>
    public override string ToString() => Kind == ControlTargetKind.Feature ? FeaturePrefix + Name : "/" + Name;

    private static string Normalize(string text) =>
        string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";
}
