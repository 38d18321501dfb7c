using Azure.Core;
using Azure.Identity;

namespace Serverless.Observability;

/// <summary>Reads <see cref="TelemetryOptions.AuthenticationStringKey"/>: which identity signs telemetry in, if any.</summary>
public static class IngestionCredential
{
    /// <summary>
    /// Null when the setting is absent (the instrumentation key in the connection string is used). <c>Authorization=AAD</c>
    /// signs in with the managed identity, the user-assigned one when <c>ClientId</c> names it.
    /// </summary>
    /// <exception cref="FormatException">The setting is present but not an Entra authentication string; names the key, never the value.</exception>
    public static TokenCredential? FromAuthenticationString(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"{TelemetryOptions.AuthenticationStringKey} must read 'Authorization=AAD' or 'Authorization=AAD;ClientId=<managed identity client id>'.");
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
