using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Azure;
using Azure.Identity;
using Serverless.Discord.Commands;
using Serverless.Discord.Rest;

namespace Serverless.Ops.Commands.Smoke;

/// <summary>
/// <c>smoke --url URL</c>: checks a deployed or local bot end to end, one line per step with its time, every step run
/// whatever the others found: health, the endpoint's signature check, command drift, and a no-op job drained from the
/// <c>interactions</c> queue.
/// </summary>
internal static class SmokeCommand
{
    public const string Health = "healthz";
    public const string Signature = "signature";
    public const string Drift = "drift";
    public const string Queue = "queue";

    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(15);

    public static Command Create(OpsContext context)
    {
        var output = context.Output;
        var timeProvider = context.TimeProvider;
        var url = new Option<string>("--url") { HelpName = "URL", Description = "The function app's base URL, e.g. https://NAME.azurewebsites.net or http://127.0.0.1:7071.", Required = true };
        var timeout = new Option<int>("--timeout") { HelpName = "SECONDS", Description = "How long the queue step waits for the worker to drain its probe.", DefaultValueFactory = _ => 60 };
        var key = new Option<string?>("--function-key") { HelpName = "KEY", Description = "A function or host key: when health is not ok, read /api/healthz/detail to say what is down." };
        var guild = CommandsCommand.GuildOption();
        var manifestFile = CommandsCommand.ManifestOption();
        var command = new Command(
            "smoke",
            "Check a deployed or local bot: GET /api/healthz answers 200 ok or degraded; POST /api/interactions with a bad "
            + "signature and without one both get 401; Discord's commands match the manifest (as 'commands check'); a no-op "
            + "probe put on the interactions queue is taken and deleted by the worker within --timeout. Prints one line per "
            + "step and runs every step. Exits 4 when a step fails.")
        {
            url, timeout, key, guild, manifestFile,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var appUrl = ParseUrl(parse.GetValue(url));
            var wait = parse.GetValue(timeout) is > 0 and var seconds
                ? TimeSpan.FromSeconds(seconds)
                : throw new OpsUsageException("--timeout must be a positive number of seconds.");
            var manifest = await CommandsCommand.LoadManifestAsync(parse.GetValue(manifestFile), cancellationToken);
            var config = await context.LoadDiscordAsync(parse, cancellationToken);
            var storage = await context.LoadStorageAsync(parse, cancellationToken);
            var guildId = parse.GetValue(guild);

            using var http = new HttpClient { Timeout = HttpTimeout };
            var endpoint = new EndpointChecks(http, appUrl, timeProvider);
            var probe = new QueueDrainProbe(storage, timeProvider);
            var functionKey = parse.GetValue(key);
            var steps = new (string Name, Func<CancellationToken, Task<SmokeStepOutcome>> Run)[]
            {
                (Health, token => endpoint.HealthAsync(functionKey, token)),
                (Signature, endpoint.SignatureAsync),
                (Drift, token => DriftAsync(config, manifest, guildId, timeProvider, token)),
                (Queue, token => probe.RunAsync(wait, token)),
            };

            var ascii = !ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected;
            var json = context.WantsJson(parse);
            var results = new List<SmokeStepResult>();
            foreach (var (name, run) in steps)
            {
                var result = await RunStepAsync(name, run, timeProvider, cancellationToken);
                results.Add(result);
                if (json)
                {
                    continue;
                }

                // Text streams each step's line as it ends; a person watches a slow queue step.
                await output.WriteLineAsync(result.Format(ascii));
                foreach (var detail in result.Outcome.Details ?? [])
                {
                    await output.WriteLineAsync("    " + detail);
                }
            }

            var failed = results.Where(result => !result.Passed).Select(result => result.Name).ToList();
            if (json)
            {
                await JsonResult.WriteAsync(output, new SmokeJson(
                    failed.Count == 0,
                    [.. results.Select(result => new SmokeStepJson(
                        result.Name,
                        result.Passed,
                        result.Outcome.Summary,
                        result.Outcome.Details ?? [],
                        (long)result.Elapsed.TotalMilliseconds))]));
            }
            else
            {
                await output.WriteLineAsync(failed.Count == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"Smoke check passed: {steps.Length} steps.")
                    : string.Create(CultureInfo.InvariantCulture, $"Smoke check failed: {string.Join(", ", failed)}."));
            }

            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.SmokeFailed;
        }, cancellationToken));
        return command;
    }

    private sealed record SmokeJson(bool Passed, IReadOnlyList<SmokeStepJson> Steps);

    private sealed record SmokeStepJson(string Name, bool Passed, string Summary, IReadOnlyList<string> Details, long ElapsedMs);

    /// <summary>Times one step and turns every failure it can meet into its line, so no step ends the run silently.</summary>
    internal static async Task<SmokeStepResult> RunStepAsync(
        string name,
        Func<CancellationToken, Task<SmokeStepOutcome>> step,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        SmokeStepOutcome outcome;
        try
        {
            outcome = await step(cancellationToken);
        }
        catch (Exception exception) when (Describe(exception, cancellationToken) is { } problem)
        {
            outcome = SmokeStepOutcome.Fail(problem);
        }

        return new SmokeStepResult(name, outcome, timeProvider.GetElapsedTime(started));
    }

    /// <summary>
    /// One line for an expected failure, built here rather than copied from the SDKs' messages, which can quote
    /// headers; null for anything else, which is a bug to surface as it is.
    /// </summary>
    private static string? Describe(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // The message holds the status, Discord's code and the route template: never the URL or the token.
        DiscordApiException discord => $"Discord refused: {discord.Message}",
        HttpRequestException { InnerException: SocketException socket } => $"unreachable: {socket.Message}",
        HttpRequestException http => $"unreachable: {FirstLine(http.Message)}",
        TaskCanceledException when !cancellationToken.IsCancellationRequested => "no answer in time",
        Polly.Timeout.TimeoutRejectedException => "no answer in time",
        System.Text.Json.JsonException => "an answer could not be read as JSON",
        CredentialUnavailableException => "no Azure credential is available for the storage account: run az login, or set AzureWebJobsStorage",
        AuthenticationFailedException authentication => $"cannot get a token for storage: {FirstLine(authentication.Message)}",
        RequestFailedException { Status: not 0 } storage => $"storage refused: {storage.Status} {storage.ErrorCode ?? "(no error code)"}",
        RequestFailedException or AggregateException => $"storage unreachable: {FirstLine((exception is AggregateException aggregate ? aggregate.InnerExceptions[^1] : exception).Message)}",
        _ => null,
    };

    /// <summary>
    /// The drift of <c>commands check</c>, without the shared rate-limit table: one GET needs no shared budget, and a
    /// storage outage is the queue step's to report, not a reason to call the commands drifted.
    /// </summary>
    private static async Task<SmokeStepOutcome> DriftAsync(
        OpsSettings config,
        IReadOnlyList<ApplicationCommandPayload> manifest,
        ulong? guildId,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var (discordCount, drift) = await CommandsCommand.FindDriftAsync(config, storage: null, manifest, guildId, timeProvider, cancellationToken);
        if (drift.Count == 0)
        {
            return SmokeStepOutcome.Pass(string.Create(CultureInfo.InvariantCulture, $"none: the {discordCount} commands of {CommandsCommand.Scope(config, guildId)} match the manifest"));
        }

        var names = drift.Select(entry => entry.CommandName).Distinct(StringComparer.Ordinal).ToList();
        return SmokeStepOutcome.Fail(
            $"{names.Count} command(s) differ from the manifest: {string.Join(", ", names)}; run 'commands deploy'",
            [.. drift.Select(entry => entry.ToString())]);
    }

    private static Uri ParseUrl(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0)
        {
            throw new OpsUsageException($"--url must be the function app's http(s) base URL without a query, not '{value}'.");
        }

        // A base ending in '/' keeps its path when the routes are appended.
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
