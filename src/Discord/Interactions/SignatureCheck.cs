namespace Serverless.Discord.Interactions;

/// <summary>Why a request's signature was or was not accepted. Every value but <see cref="Valid"/> means 401.</summary>
public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    MalformedHeaders,
    Expired,
    BadSignature,
}
