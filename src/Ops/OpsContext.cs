using System.CommandLine;
using Serverless.Domain.Projections;
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
    /// <summary>
    /// The local stack's settings file (<see cref="Ops.DevelopmentSettings.Find"/>), used when neither <c>--settings</c>
    /// nor the environment configures the run; null when dev-up is not running.
    /// </summary>
    public string? DevelopmentSettingsFile { get; init; }

    private bool _announcedDevelopmentSettings;

    /// <summary>
    /// The settings file of this run: <c>--settings</c> if given, else the development settings file when the
    /// environment configures nothing (announced on <see cref="Error"/> once), else none.
    /// </summary>
    public string? SettingsFile(ParseResult parse)
    {
        if (parse.GetValue(Settings) is { } file)
        {
            return file.FullName;
        }

        if (DevelopmentSettingsFile is null || Ops.DevelopmentSettings.EnvironmentConfigures(Environment))
        {
            return null;
        }

        if (!_announcedDevelopmentSettings)
        {
            _announcedDevelopmentSettings = true;

            // Said every run, so that nobody mistakes the local stack for the one they meant.
            Error.WriteLine($"Using the local stack's settings from {DevelopmentSettingsFile} (written by scripts/dev-up.sh); --settings FILE or Discord__/AzureWebJobsStorage settings in the environment override it.");
        }

        return DevelopmentSettingsFile;
    }

    public bool WantsJson(ParseResult parse) => parse.GetValue(Format) == OutputFormat.Json;

    /// <summary>The storage account of this run (<c>--storage-account</c> included), as <see cref="OpsSettings.LoadStorageAsync"/> reads it.</summary>
    /// <exception cref="OpsUsageException">The setting is missing or malformed, or the settings file cannot be read.</exception>
    public Task<StorageAccount> LoadStorageAsync(ParseResult parse, CancellationToken cancellationToken) =>
        OpsSettings.LoadStorageAsync(Environment, SettingsFile(parse), cancellationToken);

    /// <summary>The <c>Projections__*</c> settings of this run, as <see cref="OpsSettings.LoadProjectionOptionsAsync"/> reads them.</summary>
    /// <exception cref="OpsUsageException">A setting is malformed or out of range, or the settings file cannot be read.</exception>
    public Task<ProjectionOptions> LoadProjectionOptionsAsync(ParseResult parse, CancellationToken cancellationToken) =>
        OpsSettings.LoadProjectionOptionsAsync(Environment, SettingsFile(parse), cancellationToken);

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
