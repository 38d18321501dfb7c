using System.Globalization;
using System.Security.Cryptography;

namespace Serverless.Companion.Leadership;

/// <summary>
/// This process's name in the lease and the heartbeat: host name and process id for an operator to find it, and a
/// random part because a restarted container may reuse both.
/// </summary>
public sealed class CompanionInstance(string id)
{
    public static CompanionInstance ForThisProcess { get; } = new(string.Create(
        CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}"));

    public string Id { get; } = id;

    public override string ToString() => Id;
}
