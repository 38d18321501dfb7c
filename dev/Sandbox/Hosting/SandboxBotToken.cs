using System.Security.Cryptography;

namespace Serverless.Sandbox.Hosting;

/// <summary>
/// The one bot token the sandbox accepts now. Rotating it revokes the old one, as resetting the token in the Developer
/// Portal does: REST calls with the old token get 401, and gateway sessions identified with it are closed with 4004.
/// </summary>
internal sealed class SandboxBotToken(string initial)
{
    private volatile string _current = initial;

    public string Current => _current;

    public bool Accepts(string? token) => string.Equals(token, _current, StringComparison.Ordinal);

    /// <summary>Makes <paramref name="token"/> (or a new random one) the only accepted token; returns it.</summary>
    public string Rotate(string? token)
    {
        var next = string.IsNullOrWhiteSpace(token)
            ? $"sandbox-bot-token-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}"
            : token.Trim();
        _current = next;
        return next;
    }
}
