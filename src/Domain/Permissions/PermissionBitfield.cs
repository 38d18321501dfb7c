using System.Globalization;
using System.Numerics;

namespace Serverless.Domain.Permissions;

/// <summary>Reads Discord's permission strings (<c>"2048"</c>), as roles and channel overwrites carry them.</summary>
public static class PermissionBitfield
{
    /// <summary>
    /// The bits of <paramref name="bits"/>; bits past the 64th are dropped (Discord documents the field as
    /// variable-length, and no permission lives there yet). Missing or malformed text grants nothing.
    /// </summary>
    public static DiscordPermissions Parse(string? bits)
    {
        if (ulong.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (DiscordPermissions)value;
        }

        return BigInteger.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var wide)
            ? (DiscordPermissions)(ulong)(wide & ulong.MaxValue)
            : DiscordPermissions.None;
    }
}
