using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Discord.Json;
using Serverless.Domain.Commands;

namespace Serverless.Discord.Commands;

/// <summary>
/// Turns the commands defined in code into the body of Discord's bulk overwrite, and checks a manifest
/// against Discord's rules before it is sent, so a bad definition fails here with every problem listed
/// rather than with Discord's first form error.
/// </summary>
public static partial class CommandManifest
{
    public const int MaxChatInputCommands = 100;
    public const int MaxOptions = 25;
    public const int MaxChoices = 25;
    public const int MaxNameLength = 32;
    public const int MaxDescriptionLength = 100;
    public const int MaxCommandTextLength = 8000;
    public const int MaxOptionTextLength = 6000;

    /// <summary>GUILD_INSTALL: the bot is installed to servers, not to users.</summary>
    private static readonly int[] GuildInstallOnly = [0];

    /// <summary>The manifest for <paramref name="definitions"/>, in their order; throws if any breaks Discord's rules.</summary>
    /// <exception cref="CommandManifestException">The definitions break one or more of Discord's rules.</exception>
    public static IReadOnlyList<ApplicationCommandPayload> Create(IEnumerable<CommandDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var manifest = definitions.Select(ToPayload).ToList();
        ThrowIfInvalid(manifest);
        return manifest;
    }

    public static ApplicationCommandPayload ToPayload(CommandDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new ApplicationCommandPayload
        {
            Name = definition.Name,
            Type = ApplicationCommandPayload.ChatInputType,
            Description = definition.Description,
            Options = [.. definition.Options.Select(ToPayload)],
            DefaultMemberPermissions = definition.DefaultMemberPermissions is { } permissions
                ? ((ulong)permissions).ToString(CultureInfo.InvariantCulture)
                : null,
            // Sorted so that reordering the list in code does not look like a change.
            Contexts = [.. definition.Contexts.Select(context => (int)context).Distinct().Order()],
            IntegrationTypes = [.. GuildInstallOnly],
        };
    }

    private static ApplicationCommandOptionPayload ToPayload(CommandOptionDefinition option) => new()
    {
        Type = (int)option.Type,
        Name = option.Name,
        Description = option.Description,
        Required = option.Required,
        Options = option.Options.Count == 0 ? null : [.. option.Options.Select(ToPayload)],
        Choices = option.Choices.Count == 0 ? null : [.. option.Choices.Select(choice => new ApplicationCommandChoicePayload
        {
            Name = choice.Name,
            Value = JsonSerializer.SerializeToElement(choice.Value, DiscordJsonContext.Default.String),
        })],
        ChannelTypes = option.ChannelTypes.Count == 0 ? null : [.. option.ChannelTypes.Select(type => (int)type)],
        MinValue = option.MinValue,
        MaxValue = option.MaxValue,
        MaxLength = option.MaxLength,
    };

    /// <summary>
    /// The body for a guild's bulk overwrite: <c>contexts</c> and <c>integration_types</c> apply to global
    /// commands only (and guild commands cannot offer BOT_DM), so they are left out.
    /// </summary>
    public static IReadOnlyList<ApplicationCommandPayload> ForGuild(IReadOnlyList<ApplicationCommandPayload> manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return [.. manifest.Select(command => new ApplicationCommandPayload
        {
            Name = command.Name,
            Type = command.Type,
            Description = command.Description,
            Options = command.Options,
            DefaultMemberPermissions = command.DefaultMemberPermissions,
            Nsfw = command.Nsfw,
        })];
    }

    /// <summary>Indented, "\n"-separated and unescaped where JSON allows, so that files diff well and are stable across machines.</summary>
    public static string ToJson(IReadOnlyList<ApplicationCommandPayload> manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // A file, never HTML: keep "bot's" readable instead of "bot\u0027s".
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            JsonSerializer.Serialize(writer, manifest, DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <exception cref="CommandManifestException">The text is not a JSON array of commands.</exception>
    public static IReadOnlyList<ApplicationCommandPayload> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, DiscordJsonContext.Default.IReadOnlyListApplicationCommandPayload)
                ?? throw new CommandManifestException(["The manifest is null; it must be a JSON array of commands."]);
        }
        catch (JsonException exception)
        {
            throw new CommandManifestException([$"The manifest is not a JSON array of commands: {exception.Message}"]);
        }
    }

    /// <exception cref="CommandManifestException">The manifest breaks one or more of Discord's rules.</exception>
    public static void ThrowIfInvalid(IReadOnlyList<ApplicationCommandPayload> manifest)
    {
        var problems = Validate(manifest);
        if (problems.Count > 0)
        {
            throw new CommandManifestException(problems);
        }
    }

    /// <summary>Every rule of Discord's that the manifest breaks, each naming the command and option; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<ApplicationCommandPayload> manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var problems = new List<string>();
        var seen = new HashSet<(int, string)>();
        var countsByType = new Dictionary<int, int>();
        for (var index = 0; index < manifest.Count; index++)
        {
            var command = manifest[index];
            var where = string.IsNullOrEmpty(command.Name) ? $"command #{index + 1}" : $"/{command.Name}";
            var type = command.EffectiveType;
            countsByType[type] = countsByType.GetValueOrDefault(type) + 1;
            if (!seen.Add((type, command.Name)))
            {
                problems.Add($"{where}: the name is used by more than one command of type {type}.");
            }

            if (type == ApplicationCommandPayload.ChatInputType)
            {
                CheckName(command.Name, where, problems);
                CheckDescription(command.Description, where, problems);
                CheckOptions(command.Options, where, depth: 0, problems);
                var length = TextLength(command);
                if (length > MaxCommandTextLength)
                {
                    problems.Add($"{where}: name, descriptions and values total {length} characters; Discord allows at most {MaxCommandTextLength}.");
                }
            }
            else if (command.Name.Length is 0 or > MaxNameLength)
            {
                problems.Add($"{where}: the name must be 1 to {MaxNameLength} characters (was {command.Name.Length}).");
            }

            if (command.DefaultMemberPermissions is { } permissions
                && !ulong.TryParse(permissions, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{where}: default_member_permissions must be a permission bitset as a decimal string (was \"{permissions}\").");
            }

            if (command.Contexts is { } contexts && contexts.Any(context => context is < 0 or > 2))
            {
                problems.Add($"{where}: contexts may only hold 0 (guild), 1 (bot DM) and 2 (private channel).");
            }
        }

        if (countsByType.GetValueOrDefault(ApplicationCommandPayload.ChatInputType) > MaxChatInputCommands)
        {
            problems.Add($"The manifest has {countsByType[ApplicationCommandPayload.ChatInputType]} slash commands; Discord allows at most {MaxChatInputCommands}.");
        }

        return problems;
    }

    private static void CheckOptions(IList<ApplicationCommandOptionPayload>? options, string where, int depth, List<string> problems)
    {
        if (options is null || options.Count == 0)
        {
            return;
        }

        if (options.Count > MaxOptions)
        {
            problems.Add($"{where}: has {options.Count} options; Discord allows at most {MaxOptions}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var optionalSeen = false;
        var subcommands = options.Count(option => option.Type is (int)CommandOptionType.SubCommand or (int)CommandOptionType.SubCommandGroup);
        if (subcommands > 0 && subcommands < options.Count)
        {
            problems.Add($"{where}: subcommands and groups cannot be mixed with other options at the same level.");
        }

        foreach (var option in options)
        {
            var path = $"{where} {(string.IsNullOrEmpty(option.Name) ? "(unnamed option)" : option.Name)}";
            CheckName(option.Name, path, problems);
            CheckDescription(option.Description, path, problems);
            if (!names.Add(option.Name))
            {
                problems.Add($"{path}: the option name is used twice at this level.");
            }

            if (option.Type is < (int)CommandOptionType.SubCommand or > (int)CommandOptionType.Attachment)
            {
                problems.Add($"{path}: option type {option.Type} is not one of Discord's (1 to 11).");
            }

            var isGroup = option.Type == (int)CommandOptionType.SubCommandGroup;
            var isSubcommand = option.Type == (int)CommandOptionType.SubCommand;
            if (isGroup && depth > 0)
            {
                problems.Add($"{path}: a subcommand group can only be at the top level.");
            }
            else if (isSubcommand && depth > 1)
            {
                problems.Add($"{path}: subcommands can be nested at most one group deep.");
            }
            else if (isGroup && option.Options?.Any(child => child.Type != (int)CommandOptionType.SubCommand) == true)
            {
                problems.Add($"{path}: a subcommand group may contain only subcommands.");
            }

            if (!isGroup && !isSubcommand)
            {
                if (option.Options is { Count: > 0 })
                {
                    problems.Add($"{path}: only subcommands and groups can have nested options.");
                }

                if (option.Required == true && optionalSeen)
                {
                    problems.Add($"{path}: required options must come before optional ones.");
                }

                optionalSeen |= option.Required != true;
            }

            CheckLengthBounds(option, path, problems);
            if (option.Choices is { } choices)
            {
                if (choices.Count > MaxChoices)
                {
                    problems.Add($"{path}: has {choices.Count} choices; Discord allows at most {MaxChoices}.");
                }

                if (choices.Count > 0 && option.Autocomplete == true)
                {
                    problems.Add($"{path}: autocomplete cannot be combined with choices.");
                }

                foreach (var choice in choices.Where(choice => choice.Name.Length is 0 or > MaxDescriptionLength))
                {
                    problems.Add($"{path}: choice names must be 1 to {MaxDescriptionLength} characters (\"{choice.Name}\").");
                }
            }

            CheckOptions(option.Options, path, depth + 1, problems);
        }
    }

    private static void CheckLengthBounds(ApplicationCommandOptionPayload option, string path, List<string> problems)
    {
        if (option.MinLength is null && option.MaxLength is null)
        {
            return;
        }

        if (option.Type != (int)CommandOptionType.String)
        {
            problems.Add($"{path}: min_length and max_length apply to string options only.");
            return;
        }

        if (option.MaxLength is < 1 or > MaxOptionTextLength)
        {
            problems.Add($"{path}: max_length must be 1 to {MaxOptionTextLength} (was {option.MaxLength}).");
        }

        if (option.MinLength is < 0 or > MaxOptionTextLength)
        {
            problems.Add($"{path}: min_length must be 0 to {MaxOptionTextLength} (was {option.MinLength}).");
        }

        if (option.MinLength > option.MaxLength)
        {
            problems.Add($"{path}: min_length {option.MinLength} is more than max_length {option.MaxLength}.");
        }
    }

    private static void CheckName(string? name, string where, List<string> problems)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            problems.Add($"{where}: the name must be 1 to {MaxNameLength} characters (was {name?.Length ?? 0}).");
        }
        else if (!NamePattern().IsMatch(name))
        {
            problems.Add($"{where}: the name may only hold letters, digits, '-', '_' and apostrophes.");
        }
        else if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            problems.Add($"{where}: the name must be lowercase.");
        }
    }

    private static void CheckDescription(string? description, string where, List<string> problems)
    {
        if (string.IsNullOrEmpty(description) || description.Length > MaxDescriptionLength)
        {
            problems.Add($"{where}: the description must be 1 to {MaxDescriptionLength} characters (was {description?.Length ?? 0}).");
        }
    }

    private static int TextLength(ApplicationCommandPayload command) =>
        command.Name.Length + (command.Description?.Length ?? 0) + OptionsTextLength(command.Options);

    private static int OptionsTextLength(IList<ApplicationCommandOptionPayload>? options) =>
        options?.Sum(option => option.Name.Length + option.Description.Length
            + (option.Choices?.Sum(choice => choice.Name.Length + choice.Value.ToString().Length) ?? 0)
            + OptionsTextLength(option.Options)) ?? 0;

    // Discord's pattern uses \p{sc=Deva} and \p{sc=Thai}; .NET has no script classes, and the
    // Devanagari and Thai blocks are the same characters for this purpose.
    [GeneratedRegex(@"^[-_'\p{L}\p{N}\p{IsDevanagari}\p{IsThai}]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>A command manifest that Discord would refuse; <see cref="Problems"/> lists every reason.</summary>
public sealed class CommandManifestException : Exception
{
    public CommandManifestException()
        : this([])
    {
    }

    public CommandManifestException(string message)
        : this([message])
    {
    }

    public CommandManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public CommandManifestException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; } = [];

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0
            ? "The command manifest is invalid."
            : $"The command manifest is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):" + string.Concat(problems.Select(problem => "\n  - " + problem));
    }
}
