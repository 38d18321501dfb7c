namespace Serverless.Domain.Commands;

/// <summary>A command's answer. User text inside it is never allowed to ping anyone.</summary>
public sealed record CommandReply(string Content, bool Ephemeral);
