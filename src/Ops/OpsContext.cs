using System.CommandLine;
using Serverless.Storage;

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

    /// <summary>The storage account of this run (<c>--storage-account</c> included), as <see cref="OpsSettings.LoadStorageAsync"/> reads it.</summary>
    /// <exception cref="OpsUsageException">The setting is missing or malformed, or the settings file cannot be read.</exception>
    public Task<StorageAccount> LoadStorageAsync(ParseResult parse, CancellationToken cancellationToken) =>
        OpsSettings.LoadStorageAsync(Environment, SettingsFile(parse), cancellationToken);

    /// <summary>The Discord settings of this run, as <see cref="OpsSettings.LoadAsync"/> reads them.</summary>
    /// <exception cref="OpsUsageException">A setting is missing or malformed, or the settings file cannot be read.</exception>
    public Task<OpsSettings> LoadDiscordAsync(ParseResult parse, CancellationToken cancellationToken) =>
        OpsSettings.LoadAsync(Environment, SettingsFile(parse), cancellationToken);

    /// <summary>Writes <paramref name="value"/> as the run's JSON document, or the text lines, as <c>--output</c> asks.</summary>
    public async Task WriteResultAsync<T>(ParseResult parse, T value, Func<TextWriter, Task> writeText)
    {
        ArgumentNullException.ThrowIfNull(writeText);
        if (WantsJson(parse))
        {
            await JsonResult.WriteAsync(Output, value);
        }
        else
        {
            await writeText(Output);
        }
    }
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
