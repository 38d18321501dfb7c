namespace Serverless.Domain.Commands;

/// <summary>What an interaction is matched by: a slash command's name, or a component's or form's custom_id prefix.</summary>
public enum RouteKind
{
    Command,
    Component,
    Form,
}

/// <summary>
/// One line of the interaction table: which feature owns a command name or custom_id prefix, where its work runs and
/// which class does it. Declared through <see cref="FeatureBuilder"/>; read by the endpoint, the Functions worker,
/// the companion and the manifest alike.
/// </summary>
public sealed record InteractionRoute
{
    /// <summary>The option under which a clicked component's full custom_id travels in its queued work.</summary>
    public const string ComponentOption = "button";

    public required RouteKind Kind { get; init; }

    /// <summary>The command's name (matched exactly) or the custom_id prefix (matched at the start).</summary>
    public required string Key { get; init; }

    /// <summary>
    /// The owning feature's <see cref="IFeatureModule.Name"/>: the command name a component's queued work carries, and
    /// the key under which the companion finds the feature's voice work.
    /// </summary>
    public required string Feature { get; init; }

    public required CommandResponseMode Execution { get; init; }

    /// <summary>The <see cref="ICommandHandler"/> or <see cref="IModalHandler"/> type; null for work the companion does.</summary>
    public Type? Handler { get; init; }

    /// <summary>Commands only: the definition the manifest and <c>/help</c> show.</summary>
    public CommandDefinition? Definition { get; init; }

    public bool Matches(RouteKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Kind == kind && (kind == RouteKind.Command
            ? string.Equals(Key, value, StringComparison.Ordinal)
            : value.StartsWith(Key, StringComparison.Ordinal));
    }
}
