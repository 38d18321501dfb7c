namespace Serverless.Domain.Controls;

/// <summary>Why the gate refused an interaction or queued work; <see cref="None"/> when it let it through.</summary>
public enum GateRefusal
{
    None,

    /// <summary>The guild is blocked.</summary>
    Blocked,

    /// <summary>A kill switch covers the command or feature.</summary>
    Disabled,

    /// <summary>A command limit's bucket is empty.</summary>
    Limited,
}

/// <summary>
/// What <see cref="OperatorControlGate"/> decided: go on, or answer <see cref="Message"/> (ephemeral, fit for Discord,
/// mentioning nobody) instead of running anything.
/// </summary>
public readonly record struct GateDecision(GateRefusal Refusal, string? Message)
{
    public static GateDecision Allow => default;

    public bool Allowed => Refusal == GateRefusal.None;

    /// <summary>The reason code for logs and metrics: <c>blocked</c>, <c>disabled</c>, <c>limited</c>, or <c>allowed</c>.</summary>
    public string ReasonCode => Refusal switch
    {
        GateRefusal.Blocked => "blocked",
        GateRefusal.Disabled => "disabled",
        GateRefusal.Limited => "limited",
        _ => "allowed",
    };
}
