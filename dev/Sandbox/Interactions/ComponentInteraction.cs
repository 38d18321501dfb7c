namespace Serverless.Sandbox.Interactions;

/// <summary>A click on a button or a choice in a select menu, for <see cref="InteractionSender.SendComponentAsync"/>.</summary>
public sealed class ComponentInteraction
{
    /// <summary>The message the component is on; the interaction carries it as Discord shapes it.</summary>
    public required ulong MessageId { get; init; }

    public required string CustomId { get; init; }

    /// <summary>2 button, 3 string select, 5 user, 6 role, 7 mentionable, 8 channel select.</summary>
    public required int ComponentType { get; init; }

    /// <summary>The chosen values of a select menu; empty for a button.</summary>
    public IList<string> Values { get; } = new List<string>();

    /// <summary>User and permissions as for a command; guild and channel are the message's.</summary>
    public CommandInteraction Context { get; init; } = new() { Name = "component" };
}
