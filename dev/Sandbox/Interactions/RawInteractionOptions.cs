namespace Serverless.Sandbox.Interactions;

/// <summary>How <see cref="InteractionSender.SendRawAsync"/> signs a body, for tests of the bot's rejections.</summary>
public sealed class RawInteractionOptions
{
    /// <summary>False sends a well-formed signature of different data (a bit of it flipped).</summary>
    public bool SignCorrectly { get; init; } = true;

    /// <summary>Leaves out both signature headers.</summary>
    public bool OmitSignatureHeaders { get; init; }

    /// <summary>Signs and sends this timestamp instead of the current one (e.g. an old one for replay tests).</summary>
    public string? Timestamp { get; init; }

    /// <summary>Replaces the signature header's value as sent (after signing).</summary>
    public string? SignatureOverride { get; init; }

    /// <summary>Extra headers, or replacements (e.g. <c>Content-Type</c>).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
