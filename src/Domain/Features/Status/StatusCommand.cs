using System.Globalization;
using System.Text;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Status;

/// <summary><c>/status</c>: the bot's own view of its dependencies. Deferred because it makes network calls.</summary>
public sealed class StatusCommand(IStorageStatusProbe storage, IDiscordStatusProbe discord, ICompanionStatusProbe companion) : ICommandHandler
{
    public const string Name = "status";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Show whether the bot's storage and Discord connection are healthy",
        DefaultMemberPermissions = MemberPermissions.ManageGuild,
        Contexts = [CommandContext.Guild],
        ResponseMode = CommandResponseMode.Deferred,
        Ephemeral = true,
    };

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        var storageCheck = storage.CheckAsync(cancellationToken);
        var discordCheck = discord.CheckAsync(cancellationToken);
        var companionCheck = companion.CheckAsync(cancellationToken);
        return new CommandReply(Render(await storageCheck, await discordCheck, await companionCheck), Definition.Ephemeral);
    }

    public static string Render(StorageStatus storage, DiscordStatus discord, CompanionStatus companion)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(discord);
        ArgumentNullException.ThrowIfNull(companion);
        var text = new StringBuilder("**Status**\n");
        var overall = storage.State == DependencyState.Ok && discord.State == DependencyState.Ok && companion.IsOk ? "ok" : "degraded";
        text.Append(CultureInfo.InvariantCulture, $"overall: {overall}\n");
        text.Append(CultureInfo.InvariantCulture, $"storage: {Describe(storage.State)}");
        if (storage.State == DependencyState.Ok)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({storage.Latency.TotalMilliseconds:0} ms)");
        }

        AppendProblem(text, storage.Problem);
        text.Append(CultureInfo.InvariantCulture, $"discord: {Describe(discord.State)}");
        if (discord.BotName is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (as {discord.BotName})");
        }

        AppendProblem(text, discord.Problem);
        text.Append("Companion: ").Append(companion.Describe()).Append('\n');
        if (storage.Queues.Count > 0)
        {
            text.Append("queues: ").AppendJoin(", ", storage.Queues.Select(q =>
                string.Create(CultureInfo.InvariantCulture, $"{q.Queue} {(q.ApproximateCount is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?")}")));
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void AppendProblem(StringBuilder text, string? problem)
    {
        if (problem is not null)
        {
            text.Append(" — ").Append(problem);
        }

        text.Append('\n');
    }

    private static string Describe(DependencyState state) => state switch
    {
        DependencyState.Ok => "ok",
        DependencyState.Degraded => "degraded",
        DependencyState.Unauthorized => "unauthorized",
        DependencyState.Unreachable => "unreachable",
        DependencyState.NotConfigured => "not configured",
        _ => state.ToString(),
    };
}
