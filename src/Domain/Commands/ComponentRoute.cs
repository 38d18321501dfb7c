namespace Serverless.Domain.Commands;

/// <summary>
/// A family of message components (buttons, select menus) that one feature puts on its messages, found by
/// <see cref="CommandRouter.FindComponentRoute"/> from the clicked component's custom_id. A feature adds buttons by
/// declaring a route here and listing it in the router; the interactions endpoint needs no change.
/// </summary>
public sealed record ComponentRoute
{
    /// <summary>The option under which the clicked component's full custom_id travels in the deferred command.</summary>
    public const string CustomIdOption = "button";

    /// <summary>Every custom_id of this family starts with it; no other route's prefix may start the same way.</summary>
    public required string CustomIdPrefix { get; init; }

    /// <summary>The <see cref="CommandInvocation.CommandName"/> the queued work carries, so its consumer knows the feature.</summary>
    public required string CommandName { get; init; }

    public required ComponentResponseMode ResponseMode { get; init; }

    public bool Matches(string customId)
    {
        ArgumentNullException.ThrowIfNull(customId);
        return customId.StartsWith(CustomIdPrefix, StringComparison.Ordinal);
    }
}

/// <summary>How a component click is acknowledged. Both answer Discord with type 6 (deferred update): no "thinking…"
/// message; the message that holds the component stays as it is until the worker edits it or sends a follow-up.</summary>
public enum ComponentResponseMode
{
    /// <summary>Queued on the <c>interactions</c> queue; the Functions worker runs <see cref="ComponentRoute.CommandName"/>.</summary>
    DeferredUpdate,

    /// <summary>Queued on the <c>voice</c> queue for the companion, which holds the gateway and Lavalink.</summary>
    DeferredUpdateToVoice,
}
