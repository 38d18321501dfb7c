using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Serverless.Discord.Credentials;

/// <summary>
/// A Key Vault secret (<c>Discord__BotTokenSecretUri</c>, such as <c>https://NAME.vault.azure.net/secrets/discord-bot-token</c>):
/// without a version the latest is read each time, so a new version is picked up after the next refusal.
/// </summary>
public sealed class KeyVaultBotTokenSource : IBotTokenSource
{
    private readonly SecretClient _client;
    private readonly string _name;
    private readonly string? _version;

    /// <param name="options">Tests set <see cref="Azure.Core.ClientOptions.Transport"/> here; production leaves it null.</param>
    public KeyVaultBotTokenSource(Uri secretUri, TokenCredential credential, SecretClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secretUri);
        var id = new KeyVaultSecretIdentifier(secretUri);
        _client = new SecretClient(id.VaultUri, credential, options ?? new SecretClientOptions());
        _name = id.Name;
        _version = id.Version;
        Description = $"Key Vault secret {id.VaultUri.GetLeftPart(UriPartial.Authority)}/secrets/{id.Name}";
    }

    public string Description { get; }

    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        var secret = await _client.GetSecretAsync(_name, _version, cancellationToken);
        var value = secret.Value.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>
    /// A user-assigned identity when <c>Discord__KeyVaultClientId</c> is set, the system-assigned one when
    /// <c>Discord__KeyVaultCredential=managedidentity</c>, else the usual Azure chain (which also covers <c>az login</c>
    /// for <c>bot-ops</c> on an operator's machine). The same choice as the storage account's.
    /// </summary>
    public static TokenCredential CreateCredential(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.KeyVaultClientId))
        {
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.KeyVaultClientId));
        }

        return string.Equals(options.KeyVaultCredential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
    }
}
