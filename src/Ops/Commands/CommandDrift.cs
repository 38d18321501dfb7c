using System.Globalization;
using Serverless.Discord.Commands;

namespace Serverless.Ops.Commands;

/// <summary>One way Discord's commands differ from the manifest, described as what a deploy would do.</summary>
internal sealed record DriftEntry(DriftKind Kind, string CommandName, string? Field = null, string? Discord = null, string? Manifest = null)
{
    public override string ToString() => Kind switch
    {
        DriftKind.Added => $"+ added {CommandName}",
        DriftKind.Removed => $"- removed {CommandName}",
        _ => $"~ changed {CommandName}: {Field} {Discord} -> {Manifest}",
    };
}

internal enum DriftKind
{
    /// <summary>In the manifest, not on Discord.</summary>
    Added,

    /// <summary>On Discord, not in the manifest.</summary>
    Removed,

    /// <summary>On both, with a field that differs.</summary>
    Changed,
}

/// <summary>
/// Compares the manifest with what Discord has. Server-assigned fields (id, application_id, version,
/// guild_id) are ignored, and a field left out counts as its default (type 1, required false, nsfw false,
/// contexts all, integration_types [0]), because Discord fills defaults in and the manifest may not.
/// Commands are matched by type and name; their order does not matter to Discord, option order does.
/// </summary>
internal static class CommandDrift
{
    private static readonly int[] AllContexts = [0, 1, 2];
    private static readonly int[] GuildInstall = [0];

    /// <param name="guildScope">Guild commands ignore contexts and integration_types, so they are not compared.</param>
    public static IReadOnlyList<DriftEntry> Compare(IReadOnlyList<ApplicationCommandPayload> manifest, IReadOnlyList<ApplicationCommandPayload> discord, bool guildScope)
    {
        var entries = new List<DriftEntry>();
        var onDiscord = discord.GroupBy(Key).ToDictionary(group => group.Key, group => group.First());
        var inManifest = manifest.Select(Key).ToHashSet();

        foreach (var wanted in manifest)
        {
            if (!onDiscord.TryGetValue(Key(wanted), out var actual))
            {
                entries.Add(new DriftEntry(DriftKind.Added, Label(wanted)));
                continue;
            }

            var wantedFields = Flatten(wanted, guildScope);
            var actualFields = Flatten(actual, guildScope);
            var wantedLookup = wantedFields.ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
            var actualLookup = actualFields.ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
            var fields = wantedFields.Select(field => field.Key).Concat(actualFields.Select(field => field.Key)).Distinct(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                var was = actualLookup.GetValueOrDefault(field);
                var will = wantedLookup.GetValueOrDefault(field);
                if (!string.Equals(was, will, StringComparison.Ordinal))
                {
                    entries.Add(new DriftEntry(DriftKind.Changed, Label(wanted), field, was ?? "(none)", will ?? "(none)"));
                }
            }
        }

        entries.AddRange(discord.Where(actual => !inManifest.Contains(Key(actual))).Select(actual => new DriftEntry(DriftKind.Removed, Label(actual))));
        return entries;
    }

    private static (int Type, string Name) Key(ApplicationCommandPayload command) => (command.EffectiveType, command.Name);

    // Slash commands are known by their name; user and message commands say their type.
    private static string Label(ApplicationCommandPayload command) =>
        command.EffectiveType == ApplicationCommandPayload.ChatInputType ? command.Name : $"{command.Name} (type {command.EffectiveType})";

    /// <summary>The command's compared fields as path and canonical text, in a stable order.</summary>
    private static List<KeyValuePair<string, string>> Flatten(ApplicationCommandPayload command, bool guildScope)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("description", Quote(command.Description ?? "")),
            new("default_member_permissions", Permissions(command.DefaultMemberPermissions)),
            new("nsfw", Bool(command.Nsfw)),
        };

        if (!guildScope)
        {
            fields.Add(new("contexts", Numbers(command.Contexts ?? AllContexts)));
            fields.Add(new("integration_types", Numbers(command.IntegrationTypes ?? GuildInstall)));
        }

        FlattenOptions(command.Options, "options", fields);
        return fields;
    }

    private static void FlattenOptions(IList<ApplicationCommandOptionPayload>? options, string prefix, List<KeyValuePair<string, string>> fields)
    {
        if (options is null || options.Count == 0)
        {
            return;
        }

        fields.Add(new(prefix, "[" + string.Join(", ", options.Select(option => option.Name)) + "]"));
        foreach (var option in options)
        {
            var path = $"{prefix}.{option.Name}";
            fields.Add(new($"{path}.type", Number(option.Type)));
            fields.Add(new($"{path}.description", Quote(option.Description)));
            fields.Add(new($"{path}.required", Bool(option.Required)));
            fields.Add(new($"{path}.autocomplete", Bool(option.Autocomplete)));
            if (option.Choices is { Count: > 0 } choices)
            {
                fields.Add(new($"{path}.choices", "[" + string.Join(", ", choices.Select(choice => $"{Quote(choice.Name)}={choice.Value.GetRawText()}")) + "]"));
            }

            if (option.ChannelTypes is { Count: > 0 } channelTypes)
            {
                fields.Add(new($"{path}.channel_types", Numbers(channelTypes)));
            }

            AddIfSet(fields, $"{path}.min_value", option.MinValue);
            AddIfSet(fields, $"{path}.max_value", option.MaxValue);
            AddIfSet(fields, $"{path}.min_length", option.MinLength);
            AddIfSet(fields, $"{path}.max_length", option.MaxLength);
            FlattenOptions(option.Options, $"{path}.options", fields);
        }
    }

    private static void AddIfSet(List<KeyValuePair<string, string>> fields, string path, double? value)
    {
        if (value is { } set)
        {
            fields.Add(new(path, set.ToString("R", CultureInfo.InvariantCulture)));
        }
    }

    private static void AddIfSet(List<KeyValuePair<string, string>> fields, string path, int? value)
    {
        if (value is { } set)
        {
            fields.Add(new(path, Number(set)));
        }
    }

    // "0032" and "32" are the same bitset.
    private static string Permissions(string? bits) =>
        bits is null ? "null"
        : ulong.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? Quote(value.ToString(CultureInfo.InvariantCulture))
        : Quote(bits);

    private static string Bool(bool? value) => value == true ? "true" : "false";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Sets: order and repeats do not matter.
    private static string Numbers(IEnumerable<int> values) => "[" + string.Join(",", values.Distinct().Order().Select(Number)) + "]";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
