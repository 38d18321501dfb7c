using System.Globalization;
using System.Text.Json;
using Serverless.Discord.Interactions;
using Serverless.Domain.Commands;
using Serverless.Domain.Permissions;

namespace Serverless.Functions.Interactions;

/// <summary>Translates Discord's wire interaction into the domain's <see cref="CommandInvocation"/> or <see cref="ModalSubmission"/>.</summary>
internal static class InvocationMapper
{
    public static CommandInvocation ToInvocation(InteractionPayload interaction, string name, long receivedAt) => new()
    {
        CommandName = name,
        CorrelationId = Guid.CreateVersion7().ToString("N"),
        GuildId = interaction.GuildId,
        ChannelId = interaction.ChannelId,
        UserId = interaction.Invoker?.Id ?? 0,
        InteractionId = interaction.Id,
        MemberRoleIds = RoleIds(interaction.Member),
        MemberPermissions = Permissions(interaction.Member),
        Locale = interaction.Locale,
        Options = FlattenOptions(interaction.Data?.Options),
        ChannelPermissions = ChannelPermissions(interaction.Data?.Resolved),
        ReceivedTimestamp = receivedAt,
    };

    /// <summary>
    /// A clicked component as a command named after the owning <see cref="InteractionRoute.Feature"/>, its custom_id under
    /// <see cref="InteractionRoute.ComponentOption"/>; who clicked, where, and with which permissions travel as for a command.
    /// </summary>
    public static CommandInvocation ToComponentInvocation(InteractionPayload interaction, InteractionRoute route, string customId, long receivedAt) => new()
    {
        CommandName = route.Feature,
        CorrelationId = Guid.CreateVersion7().ToString("N"),
        GuildId = interaction.GuildId,
        ChannelId = interaction.ChannelId,
        UserId = interaction.Invoker?.Id ?? 0,
        InteractionId = interaction.Id,
        MemberPermissions = Permissions(interaction.Member),
        Locale = interaction.Locale,
        Options = new Dictionary<string, string>(StringComparer.Ordinal) { [InteractionRoute.ComponentOption] = customId },
        ReceivedTimestamp = receivedAt,
    };

    public static ModalSubmission ToSubmission(InteractionPayload interaction, string customId, long receivedAt) => new()
    {
        CustomId = customId,
        CorrelationId = Guid.CreateVersion7().ToString("N"),
        GuildId = interaction.GuildId,
        ChannelId = interaction.ChannelId,
        UserId = interaction.Invoker?.Id ?? 0,
        MemberRoleIds = RoleIds(interaction.Member),
        MemberPermissions = Permissions(interaction.Member),
        Locale = interaction.Locale,
        Values = TypedValues(interaction.Data?.Components),
        ReceivedTimestamp = receivedAt,
    };

    /// <summary>Discord sends the bitfield as a decimal string; unknown bits are kept, a malformed one grants nothing.</summary>
    private static MemberPermissions? Permissions(GuildMemberPayload? member) =>
        ulong.TryParse(member?.Permissions, NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ? (MemberPermissions)bits : null;

    private static ulong[] RoleIds(GuildMemberPayload? member) => [.. member?.Roles ?? []];

    /// <summary>The member's permissions in each resolved channel; a channel without them (or malformed) is left out, granting nothing.</summary>
    private static Dictionary<ulong, DiscordPermissions> ChannelPermissions(ResolvedDataPayload? resolved)
    {
        var permissions = new Dictionary<ulong, DiscordPermissions>();
        foreach (var (key, channel) in resolved?.Channels ?? [])
        {
            if (ulong.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && channel?.Permissions is { } bits)
            {
                permissions[id] = PermissionBitfield.Parse(bits);
            }
        }

        return permissions;
    }

    /// <summary>Text input values by custom_id, from inside the modal's action rows; entries without both are skipped.</summary>
    private static Dictionary<string, string> TypedValues(List<ComponentPayload?>? rows)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in rows?.SelectMany(row => row?.Components ?? []) ?? [])
        {
            if (input?.CustomId is { } id && input.Value is { } value)
            {
                values[id] = value;
            }
        }

        return values;
    }

    /// <summary>
    /// Option values by name. A subcommand (or group and subcommand) is recorded as "subcommand"
    /// ("group sub"), and its own options join the others by name. An option without a name (never sent by
    /// Discord) is skipped: the command then sees it as not given and answers as for any missing option.
    /// </summary>
    private static Dictionary<string, string> FlattenOptions(List<CommandOptionPayload?>? options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = new List<string>();
        Add(options);
        if (path.Count > 0)
        {
            values["subcommand"] = string.Join(' ', path);
        }

        return values;

        void Add(List<CommandOptionPayload?>? level)
        {
            foreach (var option in level ?? [])
            {
                if (option?.Name is null)
                {
                    continue;
                }

                if (option.Type is (int)CommandOptionType.SubCommand or (int)CommandOptionType.SubCommandGroup)
                {
                    path.Add(option.Name);
                    Add(option.Options);
                }
                else if (option.Value is { } value)
                {
                    values[option.Name] = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
                }
            }
        }
    }
}
