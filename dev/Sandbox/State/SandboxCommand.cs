using System.Text.Json;

namespace Serverless.Sandbox.State;

/// <summary>An application command as stored by a bulk overwrite (<c>PUT …/commands</c>).</summary>
/// <param name="Json">The whole command object as the sandbox returns it (with id, version and defaults filled in).</param>
public sealed record SandboxCommand(
    ulong Id,
    ulong ApplicationId,
    ulong? GuildId,
    string Name,
    int Type,
    string Description,
    ulong Version,
    JsonElement Json);
