namespace Serverless.Sandbox.Interactions;

/// <summary>An interaction the sandbox sent, and what became of its initial response.</summary>
public sealed record SandboxInteraction
{
    public required ulong Id { get; init; }

    public required string Token { get; init; }

    /// <summary>Interaction type: 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 5 MODAL_SUBMIT.</summary>
    public required int Type { get; init; }

    public string? CommandName { get; init; }

    /// <summary>The clicked component's or submitted form's custom_id.</summary>
    public string? CustomId { get; init; }

    /// <summary>The message the clicked component (or the component that opened the form) is on.</summary>
    public ulong? MessageId { get; init; }

    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public ulong? UserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The callback type of the initial response (1, 4, 5, …), once there is one.</summary>
    public int? InitialResponseType { get; init; }

    /// <summary>How the initial response arrived: inline in the HTTP answer, or via the callback endpoint.</summary>
    public InitialResponseChannel? InitialResponseVia { get; init; }

    public ulong? OriginalMessageId { get; init; }

    /// <summary>True when Discord would have killed the token: the initial response missed the deadline.</summary>
    public bool Invalidated { get; init; }
}

public enum InitialResponseChannel
{
    Inline,
    CallbackEndpoint,
}
