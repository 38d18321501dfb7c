namespace Serverless.Domain.Commands;

/// <summary>A filled-in <see cref="ModalPrompt"/>, free of Discord's wire format.</summary>
public sealed record ModalSubmission
{
    /// <summary>The prompt's custom_id, as the handler wrote it.</summary>
    public required string CustomId { get; init; }

    /// <summary>Our own id for following this interaction through logs and telemetry.</summary>
    public required string CorrelationId { get; init; }

    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public ulong UserId { get; init; }

    /// <summary>The member's roles (<c>member.roles</c>, without @everyone): a form carries no resolved channel
    /// permissions, so a handler computes the member's rights in a channel from these.</summary>
    public IReadOnlyList<ulong> MemberRoleIds { get; init; } = [];

    /// <summary>The member's permissions in the channel as Discord computed them now; null outside a guild.</summary>
    public MemberPermissions? MemberPermissions { get; init; }

    public string? Locale { get; init; }

    /// <summary>What was typed, by the text input's custom_id.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request reached the bot.</summary>
    public long ReceivedTimestamp { get; init; }

    /// <summary>The option under which a deferred submission's custom_id travels (see <see cref="ToInvocation"/>).</summary>
    public const string CustomIdOption = "form";

    /// <summary>Typed values travel as options named this followed by the text input's custom_id.</summary>
    private const string ValuePrefix = "form.";

    /// <summary>
    /// This submission as queued work for the <c>interactions</c> queue, when it cannot be answered inline: the
    /// custom_id and typed values travel as options, under the command named by the custom_id's first part.
    /// </summary>
    public CommandInvocation ToInvocation()
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal) { [CustomIdOption] = CustomId };
        foreach (var (input, value) in Values)
        {
            options[ValuePrefix + input] = value;
        }

        var separator = CustomId.IndexOf(':', StringComparison.Ordinal);
        return new CommandInvocation
        {
            CommandName = separator > 0 ? CustomId[..separator] : CustomId,
            CorrelationId = CorrelationId,
            GuildId = GuildId,
            ChannelId = ChannelId,
            UserId = UserId,
            MemberRoleIds = MemberRoleIds,
            MemberPermissions = MemberPermissions,
            Locale = Locale,
            Options = options,
            ReceivedTimestamp = ReceivedTimestamp,
        };
    }

    /// <summary>The submission that <see cref="ToInvocation"/> queued, or null when the work is a command's.</summary>
    public static ModalSubmission? FromInvocation(CommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!invocation.Options.TryGetValue(CustomIdOption, out var customId))
        {
            return null;
        }

        return new ModalSubmission
        {
            CustomId = customId,
            CorrelationId = invocation.CorrelationId,
            GuildId = invocation.GuildId,
            ChannelId = invocation.ChannelId,
            UserId = invocation.UserId,
            MemberRoleIds = invocation.MemberRoleIds,
            MemberPermissions = invocation.MemberPermissions,
            Locale = invocation.Locale,
            Values = invocation.Options
                .Where(option => option.Key.StartsWith(ValuePrefix, StringComparison.Ordinal))
                .ToDictionary(option => option.Key[ValuePrefix.Length..], option => option.Value, StringComparer.Ordinal),
            ReceivedTimestamp = invocation.ReceivedTimestamp,
        };
    }
}
