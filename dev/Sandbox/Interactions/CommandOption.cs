using System.Globalization;

namespace Serverless.Sandbox.Interactions;

/// <summary>Discord's application command option types.</summary>
public enum CommandOptionType
{
    SubCommand = 1,
    SubCommandGroup = 2,
    String = 3,
    Integer = 4,
    Boolean = 5,
    User = 6,
    Channel = 7,
    Role = 8,
    Mentionable = 9,
    Number = 10,
    Attachment = 11,
}

/// <summary>One option of a command invocation: a value, or a subcommand (group) holding further options.</summary>
public sealed record CommandOption
{
    public CommandOption(string name, CommandOptionType type, object? value = null, IReadOnlyList<CommandOption>? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Type = type;
        Value = value;
        Options = options ?? [];
    }

    public string Name { get; }

    public CommandOptionType Type { get; }

    /// <summary>A string, long, double or bool; snowflake types (user, channel, role, …) hold the id as a string.</summary>
    public object? Value { get; }

    public IReadOnlyList<CommandOption> Options { get; }

    /// <summary>Set for autocomplete interactions on the option being typed.</summary>
    public bool Focused { get; init; }

    public static CommandOption String(string name, string value) => new(name, CommandOptionType.String, value);

    public static CommandOption Integer(string name, long value) => new(name, CommandOptionType.Integer, value);

    public static CommandOption Number(string name, double value) => new(name, CommandOptionType.Number, value);

    public static CommandOption Boolean(string name, bool value) => new(name, CommandOptionType.Boolean, value);

    public static CommandOption User(string name, ulong userId) => new(name, CommandOptionType.User, Snowflake(userId));

    public static CommandOption Channel(string name, ulong channelId) => new(name, CommandOptionType.Channel, Snowflake(channelId));

    public static CommandOption Role(string name, ulong roleId) => new(name, CommandOptionType.Role, Snowflake(roleId));

    public static CommandOption Mentionable(string name, ulong id) => new(name, CommandOptionType.Mentionable, Snowflake(id));

    public static CommandOption SubCommand(string name, params IReadOnlyList<CommandOption> options) => new(name, CommandOptionType.SubCommand, null, options);

    public static CommandOption SubCommandGroup(string name, params IReadOnlyList<CommandOption> subCommands) => new(name, CommandOptionType.SubCommandGroup, null, subCommands);

    /// <summary>
    /// Parses <c>name=value</c> or <c>name:type=value</c> (type one of string, integer, number, boolean, user,
    /// channel, role, mentionable). Without a type, true/false are booleans, whole numbers integers,
    /// other numbers numbers, and everything else a string.
    /// </summary>
    public static bool TryParse(string text, out CommandOption? option, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        option = null;
        error = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            error = $"Option '{text}' is not name=value.";
            return false;
        }

        var key = text[..equals];
        var raw = text[(equals + 1)..];
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? key : key[..colon];
        var typeName = colon < 0 ? null : key[(colon + 1)..];
        if (string.IsNullOrWhiteSpace(name))
        {
            error = $"Option '{text}' has no name.";
            return false;
        }

        if (typeName is null)
        {
            option = Infer(name, raw);
            return true;
        }

        // Names only: Enum.TryParse would also take "3", and subcommands are not written as options.
        if (int.TryParse(typeName, out _)
            || !Enum.TryParse<CommandOptionType>(typeName, ignoreCase: true, out var type)
            || type is CommandOptionType.SubCommand or CommandOptionType.SubCommandGroup or CommandOptionType.Attachment)
        {
            error = $"Option '{text}' has an unknown type '{typeName}'.";
            return false;
        }

        option = type switch
        {
            CommandOptionType.String => String(name, raw),
            CommandOptionType.Integer when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) => Integer(name, integer),
            CommandOptionType.Number when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => Number(name, number),
            CommandOptionType.Boolean when bool.TryParse(raw, out var boolean) => Boolean(name, boolean),
            CommandOptionType.User or CommandOptionType.Channel or CommandOptionType.Role or CommandOptionType.Mentionable
                when ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => new CommandOption(name, type, Snowflake(id)),
            _ => null,
        };
        if (option is null)
        {
            error = $"Option '{text}': '{raw}' is not a valid {typeName}.";
            return false;
        }

        return true;
    }

    internal static CommandOption Infer(string name, string raw)
    {
        if (bool.TryParse(raw, out var boolean))
        {
            return Boolean(name, boolean);
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return Integer(name, integer);
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? Number(name, number)
            : String(name, raw);
    }

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
