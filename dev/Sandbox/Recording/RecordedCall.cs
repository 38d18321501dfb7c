namespace Serverless.Sandbox.Recording;

/// <summary>One request the bot made to the sandbox's Discord API, as the sandbox answered it.</summary>
/// <param name="Sequence">Position in the recording, from 0; keeps counting after the recording is cleared.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">Path relative to the API base, as in Discord's docs: <c>/webhooks/{app}/{token}/messages/@original</c>.</param>
/// <param name="Query">Query string including the leading <c>?</c>, or empty.</param>
/// <param name="Body">Request body as text, or empty.</param>
/// <param name="StatusCode">Status the sandbox answered with.</param>
/// <param name="At">When the request arrived, by the sandbox's <see cref="TimeProvider"/>.</param>
/// <param name="InteractionToken">The interaction token in the path of webhook and callback routes.</param>
/// <param name="HasAuthorization">Whether an <c>Authorization</c> header was sent; its value is never kept.</param>
/// <param name="Faulted">Whether the answer came from a <see cref="Faults.FaultRule"/>.</param>
public sealed record RecordedCall(
    long Sequence,
    string Method,
    string Path,
    string Query,
    string Body,
    int StatusCode,
    DateTimeOffset At,
    string? InteractionToken,
    bool HasAuthorization,
    bool Faulted)
{
    /// <summary>Path and query, e.g. for messages.</summary>
    public override string ToString() => $"{Method} {Path}{Query} → {StatusCode}";
}
