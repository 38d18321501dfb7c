using System.Globalization;

namespace Serverless.Sandbox.Cli;

/// <summary>Discord's permission bits by the names the CLI's <c>--permissions</c> takes (kebab-case or Discord's own).</summary>
internal static class PermissionNames
{
    private static readonly (string Name, ulong Bit)[] Known =
    [
        ("administrator", 1UL << 3),
        ("manage-guild", 1UL << 5),
        ("manage-messages", 1UL << 13),
        ("manage-channels", 1UL << 4),
        ("manage-roles", 1UL << 28),
        ("kick-members", 1UL << 1),
        ("ban-members", 1UL << 2),
        ("moderate-members", 1UL << 40),
        ("mention-everyone", 1UL << 17),
        ("view-channel", 1UL << 10),
        ("send-messages", 1UL << 11),
        ("connect", 1UL << 20),
        ("speak", 1UL << 21),
    ];

    /// <summary><c>8192</c> as it is; <c>manage-messages,manage-guild</c> added to <paramref name="basePermissions"/>.</summary>
    public static bool TryParse(string text, ulong basePermissions, out ulong permissions, out string problem)
    {
        problem = "";
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out permissions))
        {
            return true;
        }

        permissions = basePermissions;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normal = name.ToLowerInvariant().Replace('_', '-');
            if (Known.FirstOrDefault(known => known.Name == normal) is not { Name: not null } match)
            {
                problem = $"Unknown permission '{name}'; use a bitfield number or names from: {string.Join(", ", Known.Select(known => known.Name))}.";
                return false;
            }

            permissions |= match.Bit;
        }

        return true;
    }

    /// <summary>How <paramref name="permissions"/> differ from a typical member's, for listings: <c>typical+manage-messages</c>.</summary>
    public static string Describe(ulong permissions)
    {
        var typical = Hosting.SandboxDefaults.EveryonePermissions;
        var added = Known.Where(known => (permissions & known.Bit) != 0 && (typical & known.Bit) == 0).Select(known => known.Name).ToList();
        var missing = Known.Where(known => (permissions & known.Bit) == 0 && (typical & known.Bit) != 0).Select(known => known.Name).ToList();
        var text = (permissions & typical) == typical ? "typical" : "less than typical";
        return text + string.Concat(added.Select(name => "+" + name)) + string.Concat(missing.Select(name => "-" + name));
    }
}
