using System.CommandLine;

namespace Serverless.Ops;

/// <summary>
/// What every <c>bot-ops</c> command is built with: where settings come from, the global options, and the terminal.
/// Results go to <see cref="Output"/>, progress, prompts and errors to <see cref="Error"/>.
/// </summary>
internal sealed record OpsContext(
    IReadOnlyDictionary<string, string?> Environment,
    Option<FileInfo?> Settings,
    Option<OutputFormat> Format,
    TextWriter Output,
    TextWriter Error,
    OpsTerminal Terminal,
    TimeProvider TimeProvider)
{
    /// <summary>The <c>--settings</c> file of this run, if any.</summary>
    public string? SettingsFile(ParseResult parse) => parse.GetValue(Settings)?.FullName;

    public bool WantsJson(ParseResult parse) => parse.GetValue(Format) == OutputFormat.Json;
}

/// <summary>The global <c>--output</c> option's values.</summary>
public enum OutputFormat
{
    Text,
    Json,
}

/// <summary>
/// The operator's terminal: standard input for confirmations, and whether a person is there to answer them (and to
/// watch a progress bar) or a script is.
/// </summary>
public sealed record OpsTerminal(TextReader Input, bool IsInteractive)
{
    /// <summary>No one to ask: what tests and pipelines get, so a destructive command needs <c>--yes</c>.</summary>
    public static OpsTerminal None { get; } = new(TextReader.Null, IsInteractive: false);
}
