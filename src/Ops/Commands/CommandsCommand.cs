using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Commands;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Ports.RateLimiting;
using Serverless.Storage;
using Serverless.Storage.RateLimiting;

namespace Serverless.Ops.Commands;

/// <summary><c>commands export|deploy|check</c>: the application commands defined in code, and Discord's copy of them.</summary>
internal static class CommandsCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error, TimeProvider timeProvider) =>
        new("commands", "Export, deploy and check the bot's application commands.")
        {
            CreateExport(output, error),
            CreateDeploy(environment, settings, output, error, timeProvider),
            CreateCheck(environment, settings, output, error, timeProvider),
        };

    private static Command CreateExport(TextWriter output, TextWriter error)
    {
        var file = new Option<FileInfo?>("--out") { HelpName = "FILE", Description = "Write the manifest to this file instead of standard output." };
        var command = new Command("export", "Print the command manifest defined in code: the body of Discord's bulk overwrite.") { file };
        command.SetAction((parse, cancellationToken) => GuardAsync(error, async () =>
        {
            var json = CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions));
            if (parse.GetValue(file) is not { } target)
            {
                await output.WriteAsync(json);
                return ExitCodes.Ok;
            }

            try
            {
                await File.WriteAllTextAsync(target.FullName, json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new OpsUsageException($"Cannot write {target.FullName}: {exception.Message}");
            }

            await output.WriteLineAsync($"Wrote the manifest ({CommandCatalog.Definitions.Count} commands) to {target.FullName}.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDeploy(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        var guild = GuildOption();
        var manifestFile = ManifestOption();
        var command = new Command(
            "deploy",
            "Replace Discord's commands with the manifest (bulk overwrite): globally, or in one guild, where changes show at once.\n"
            + "Commands on Discord that the manifest lacks are deleted.")
        {
            guild, manifestFile,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(error, async () =>
        {
            var manifest = await LoadManifestAsync(parse.GetValue(manifestFile), cancellationToken);
            var config = await OpsSettings.LoadAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            var storage = await OpsSettings.LoadOptionalStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            await using var services = CreateServices(config, storage, timeProvider);
            var client = services.GetRequiredService<DiscordRestClient>();

            var guildId = parse.GetValue(guild);
            var stored = guildId is { } id
                ? await client.BulkOverwriteGuildCommandsAsync(config.ApplicationId, id, CommandManifest.ForGuild(manifest), cancellationToken)
                : await client.BulkOverwriteGlobalCommandsAsync(config.ApplicationId, manifest, cancellationToken);

            var names = stored.Count == 0 ? "." : ": " + string.Join(", ", stored.Select(command => command.Name));
            await output.WriteLineAsync($"Deployed {stored.Count} command{(stored.Count == 1 ? "" : "s")} to {Scope(config, guildId)}{names}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateCheck(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        var guild = GuildOption();
        var manifestFile = ManifestOption();
        var command = new Command(
            "check",
            "Compare Discord's commands with the manifest, ignoring fields Discord assigns and fields at their defaults.\n"
            + "Lists '+ added NAME' (a deploy would create it), '- removed NAME' (a deploy would delete it) and "
            + "'~ changed NAME: FIELD DISCORD -> MANIFEST'. Exits 1 when they differ.")
        {
            guild, manifestFile,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(error, async () =>
        {
            var manifest = await LoadManifestAsync(parse.GetValue(manifestFile), cancellationToken);
            var config = await OpsSettings.LoadAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            var storage = await OpsSettings.LoadOptionalStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            var guildId = parse.GetValue(guild);
            var (discordCount, drift) = await FindDriftAsync(config, storage, manifest, guildId, timeProvider, cancellationToken);
            if (drift.Count == 0)
            {
                await output.WriteLineAsync($"No drift: the {discordCount} commands of {Scope(config, guildId)} match the manifest.");
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"Drift between the manifest and {Scope(config, guildId)}:");
            foreach (var entry in drift)
            {
                await output.WriteLineAsync(entry.ToString());
            }

            var added = drift.Count(entry => entry.Kind == DriftKind.Added);
            var removed = drift.Count(entry => entry.Kind == DriftKind.Removed);
            var changed = drift.Where(entry => entry.Kind == DriftKind.Changed).Select(entry => entry.CommandName).Distinct().Count();
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{added} added, {removed} removed, {changed} changed. Run 'commands deploy' with the same scope to apply the manifest."));
            return ExitCodes.Drift;
        }));
        return command;
    }

    /// <summary>
    /// Reads Discord's commands in one scope and compares them with <paramref name="manifest"/>: what <c>commands check</c>
    /// prints and <c>smoke</c> checks.
    /// </summary>
    /// <returns>How many commands Discord has in the scope, and how they differ from the manifest.</returns>
    internal static async Task<(int DiscordCount, IReadOnlyList<DriftEntry> Drift)> FindDriftAsync(
        OpsSettings config,
        StorageAccount? storage,
        IReadOnlyList<ApplicationCommandPayload> manifest,
        ulong? guildId,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        await using var services = CreateServices(config, storage, timeProvider);
        var client = services.GetRequiredService<DiscordRestClient>();
        var actual = guildId is { } id
            ? await client.GetGuildCommandsAsync(config.ApplicationId, id, cancellationToken)
            : await client.GetGlobalCommandsAsync(config.ApplicationId, cancellationToken);
        return (actual.Count, CommandDrift.Compare(manifest, actual, guildScope: guildId is not null));
    }

    internal static Option<ulong?> GuildOption() =>
        new("--guild") { HelpName = "ID", Description = "A guild id: work on that guild's commands instead of the global ones." };

    internal static Option<FileInfo?> ManifestOption() =>
        new("--manifest") { HelpName = "FILE", Description = "A manifest file (as written by 'commands export') instead of the commands defined in code." };

    internal static string Scope(OpsSettings config, ulong? guildId) => guildId is { } id
        ? string.Create(CultureInfo.InvariantCulture, $"guild {id} (application {config.ApplicationId})")
        : string.Create(CultureInfo.InvariantCulture, $"the global commands (application {config.ApplicationId})");

    internal static async Task<IReadOnlyList<ApplicationCommandPayload>> LoadManifestAsync(FileInfo? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return CommandManifest.Create(CommandCatalog.Definitions);
        }

        string json;
        try
        {
            json = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new OpsUsageException($"Cannot read the manifest {file.FullName}: {exception.Message}");
        }

        var manifest = CommandManifest.Parse(json);
        CommandManifest.ThrowIfInvalid(manifest);
        return manifest;
    }

    /// <summary>
    /// The same registration as the Functions app: <c>AddDiscordRest</c> over the same settings on <see cref="IHttpClientFactory"/>, and with
    /// storage configured the shared <c>ratelimits</c> table, so that a run sees what the bot and earlier runs spent.
    /// </summary>
    private static ServiceProvider CreateServices(OpsSettings config, StorageAccount? storage, TimeProvider timeProvider)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider);
        if (storage is not null)
        {
            // Registered before AddDiscordRest, as AddStorage does, so it wins over the in-memory store.
            services.AddSingleton<IRateLimitStore>(new TableRateLimitStore(storage));
        }

        services.AddDiscordRest(config.Configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Turns every expected failure into one line on standard error and its exit code; never prints the token.</summary>
    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OpsUsageException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return ExitCodes.UsageOrConfiguration;
        }
        catch (CommandManifestException exception)
        {
            await error.WriteLineAsync(string.Join(" ", exception.Message.Split('\n', StringSplitOptions.TrimEntries)));
            return ExitCodes.UsageOrConfiguration;
        }
        catch (DiscordApiException exception)
        {
            // The message holds the status, Discord's code and the route template: never the URL or the token.
            await error.WriteLineAsync(exception.Message);
            return ExitCodes.ServiceOrNetwork;
        }
        catch (HttpRequestException exception)
        {
            await error.WriteLineAsync($"Cannot reach Discord: {exception.Message}");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (System.Text.Json.JsonException exception)
        {
            // A proxy's page or a changed API: the manifest file's JSON errors are turned into usage errors before this.
            await error.WriteLineAsync($"Discord's answer could not be read: {exception.Message}");
            return ExitCodes.ServiceOrNetwork;
        }
        catch (TaskCanceledException exception) when (exception.InnerException is TimeoutException)
        {
            await error.WriteLineAsync("Discord did not answer in time.");
            return ExitCodes.ServiceOrNetwork;
        }
    }
}
