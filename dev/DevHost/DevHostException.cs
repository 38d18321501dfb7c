namespace Serverless.DevHost;

/// <summary>
/// A start-up failure of the DevHost: bad metadata, a missing setting, a handler that would not start.
/// The message is one line that names what to fix, so the CLI prints it as it is, without a stack trace.
/// </summary>
public sealed class DevHostException : Exception
{
    public DevHostException()
    {
    }

    public DevHostException(string message)
        : base(message)
    {
    }

    public DevHostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
