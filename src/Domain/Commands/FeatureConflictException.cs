namespace Serverless.Domain.Commands;

/// <summary>
/// Two features claim the same name, command name or overlapping custom_id prefixes. Thrown when the
/// <see cref="FeatureCatalog"/> is built; both processes build it at start-up, so the message (naming both features and
/// the key) is printed as a configuration error and the process stops.
/// </summary>
public sealed class FeatureConflictException : InvalidOperationException
{
    public FeatureConflictException()
    {
    }

    public FeatureConflictException(string message)
        : base(message)
    {
    }

    public FeatureConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
