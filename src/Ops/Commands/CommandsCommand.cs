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
    public static Command Create(OpsContext context) =>
        new("commands", "Export, deploy and check the bot's application commands.")
        {
            CreateExport(context),
            CreateDeploy(context),
            CreateCheck(context),
        };

    private static Command CreateExport(OpsContext context)
    {
        var file = new Option<FileInfo?>("--out") { HelpName = "FILE", Description = "Write the manifest to this file instead of standard output." };
        var command = new Command(
            "export",
            "Print the command manifest defined in code: the body of Discord's bulk overwrite (JSON whatever --output says). "
            + "With --out, --output json prints {file, commands}.")
        {
            file,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(context.Error, async () =>
        {
            var json = CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions));
            if (parse.GetValue(file) is not { } target)
            {
                // The manifest is a JSON document already: the same bytes for text and json.
                await context.Output.WriteAsync(json);
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

            await context.WriteResultAsync(parse, new ExportResult(target.FullName, CommandCatalog.Definitions.Count), output =>
                output.WriteLineAsync($"Wrote the manifest ({CommandCatalog.Definitions.Count} commands) to {target.FullName}."));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDeploy(OpsContext context)
    {
        var guild = GuildOption();
        var manifestFile = ManifestOption();
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "deploy",
            "Replace Discord's commands with the manifest (bulk overwrite): globally, or in one guild, where changes show at once.\n"
            + "Commands on Discord that the manifest lacks are deleted. --dry-run lists what the overwrite would change "
            + "(as 'commands check'); otherwise it asks for confirmation, or takes --yes.")
        {
            guild, manifestFile,
        });
        command.SetAction((parse, cancellationToken) => GuardAsync(context.Error, async () =>
        {
            var manifest = await LoadManifestAsync(parse.GetValue(manifestFile), cancellationToken);
            var config = await context.LoadDiscordAsync(parse, cancellationToken);
            var storage = await OpsSettings.LoadOptionalStorageAsync(context.Environment, context.SettingsFile(parse), cancellationToken);
            var guildId = parse.GetValue(guild);
            var scope = Scope(config, guildId);
            var names = manifest.Select(command => command.Name).ToList();

            if (confirmation.IsDryRun(parse))
            {
                var (discordCount, drift) = await FindDriftAsync(config, storage, manifest, guildId, context.TimeProvider, cancellationToken);
                await context.WriteResultAsync(
                    parse,
                    new DeployResult(true, scope, Format(config.ApplicationId), Format(guildId), names, [.. drift.Select(DriftJson.From)]),
                    async output =>
                    {
                        await output.WriteLineAsync(drift.Count == 0
                            ? $"Dry run: {scope} has the manifest's {manifest.Count} commands already; a deploy would change nothing."
                            : string.Create(CultureInfo.InvariantCulture, $"Dry run: a deploy would replace the {discordCount} commands of {scope} with the manifest's {manifest.Count}:"));
                        foreach (var entry in drift)
                        {
                            await output.WriteLineAsync(entry.ToString());
                        }
                    });
                return ExitCodes.Ok;
            }

            if (!await confirmation.ConfirmAsync(parse, context, $"replace the commands of {scope} with the manifest's {Count(manifest.Count)}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            await using var services = CreateServices(config, storage, context.TimeProvider);
            var client = services.GetRequiredService<DiscordRestClient>();
            var stored = guildId is { } id
                ? await client.BulkOverwriteGuildCommandsAsync(config.ApplicationId, id, CommandManifest.ForGuild(manifest), cancellationToken)
                : await client.BulkOverwriteGlobalCommandsAsync(config.ApplicationId, manifest, cancellationToken);

            var deployed = stored.Select(command => command.Name).ToList();
            await context.WriteResultAsync(parse, new DeployResult(false, scope, Format(config.ApplicationId), Format(guildId), deployed, null), output =>
            {
                var list = stored.Count == 0 ? "." : ": " + string.Join(", ", deployed);
                return output.WriteLineAsync($"Deployed {stored.Count} command{(stored.Count == 1 ? "" : "s")} to {scope}{list}");
            });
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateCheck(OpsContext context)
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
        command.SetAction((parse, cancellationToken) => GuardAsync(context.Error, async () =>
        {
            var manifest = await LoadManifestAsync(parse.GetValue(manifestFile), cancellationToken);
            var config = await context.LoadDiscordAsync(parse, cancellationToken);
            var storage = await OpsSettings.LoadOptionalStorageAsync(context.Environment, context.SettingsFile(parse), cancellationToken);
            var guildId = parse.GetValue(guild);
            var (discordCount, drift) = await FindDriftAsync(config, storage, manifest, guildId, context.TimeProvider, cancellationToken);
            var added = drift.Count(entry => entry.Kind == DriftKind.Added);
            var removed = drift.Count(entry => entry.Kind == DriftKind.Removed);
            var changed = drift.Where(entry => entry.Kind == DriftKind.Changed).Select(entry => entry.CommandName).Distinct().Count();
            var scope = Scope(config, guildId);
            await context.WriteResultAsync(
                parse,
                new CheckResult(drift.Count > 0, scope, Format(config.ApplicationId), Format(guildId), discordCount, added, removed, changed, [.. drift.Select(DriftJson.From)]),
                async output =>
                {
                    if (drift.Count == 0)
                    {
                        await output.WriteLineAsync($"No drift: the {discordCount} commands of {scope} match the manifest.");
                        return;
                    }

                    await output.WriteLineAsync($"Drift between the manifest and {scope}:");
                    foreach (var entry in drift)
                    {
                        await output.WriteLineAsync(entry.ToString());
                    }

                    await output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{added} added, {removed} removed, {changed} changed. Run 'commands deploy' with the same scope to apply the manifest."));
                });
            return drift.Count == 0 ? ExitCodes.Ok : ExitCodes.Drift;
        }));
        return command;
    }

    private static string? Format(ulong? id) => id?.ToString(CultureInfo.InvariantCulture);

    private static string Count(int commands) => commands == 1 ? "1 command" : string.Create(CultureInfo.InvariantCulture, $"{commands} commands");

    private sealed record ExportResult(string File, int Commands);

    /// <param name="Commands">The manifest's command names on a dry run; the names Discord stored otherwise.</param>
    /// <param name="Drift">What the overwrite would change (dry run only).</param>
    private sealed record DeployResult(bool DryRun, string Scope, string? ApplicationId, string? GuildId, IReadOnlyList<string> Commands, IReadOnlyList<DriftJson>? Drift);

    private sealed record CheckResult(bool Drifted, string Scope, string? ApplicationId, string? GuildId, int DiscordCount, int Added, int Removed, int Changed, IReadOnlyList<DriftJson> Drift);

    private sealed record DriftJson(DriftKind Kind, string Command, string? Field, string? Discord, string? Manifest)
    {
        public static DriftJson From(DriftEntry entry) => new(entry.Kind, entry.CommandName, entry.Field, entry.Discord, entry.Manifest);
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
