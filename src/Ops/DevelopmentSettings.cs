namespace Serverless.Ops;

/// <summary>
/// The settings file <c>scripts/dev-up.sh</c> writes for the stack it runs (the Sandbox's credentials, Azurite's
/// connection string) and removes when it stops: <c>.dev/settings.json</c> at the root of the checkout.
/// </summary>
/// <remarks>
/// The lookup order of a run: <c>--settings FILE</c> when given; otherwise, when the environment sets none of
/// <c>bot-ops</c>' settings (<c>Discord__*</c>, <c>AzureWebJobsStorage*</c>), this file if the stack is up; otherwise
/// the environment alone. So an operator whose environment points at production never reaches the local stack,
/// and a run that does use this file says so on standard error.
/// </remarks>
internal static class DevelopmentSettings
{
    /// <summary>Where dev-up writes it, relative to the checkout's root.</summary>
    public static readonly string RelativePath = Path.Combine(".dev", "settings.json");

    /// <summary>The file that marks a checkout's root, so a <c>.dev</c> folder elsewhere is never taken for ours.</summary>
    private const string CheckoutMarker = "Serverless.sln";

    /// <summary>
    /// The development settings file of the checkout <paramref name="directory"/> is in, if dev-up has written one;
    /// otherwise null.
    /// </summary>
    public static string? Find(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, CheckoutMarker)))
            {
                var file = Path.Combine(current.FullName, RelativePath);
                return File.Exists(file) ? file : null;
            }
        }

        return null;
    }

    /// <summary>Whether the environment sets any of the settings a run reads, which then must not be mixed with the local stack's.</summary>
    public static bool EnvironmentConfigures(IReadOnlyDictionary<string, string?> environment) =>
        environment.Any(variable => !string.IsNullOrEmpty(variable.Value)
            && (variable.Key.StartsWith("Discord__", StringComparison.OrdinalIgnoreCase)
                || variable.Key.Equals(Storage.StorageAccount.SettingName, StringComparison.OrdinalIgnoreCase)
                || variable.Key.StartsWith(Storage.StorageAccount.SettingName + "__", StringComparison.OrdinalIgnoreCase)));
}
