using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.DevHost.Metadata;

/// <summary>How queue messages are encoded on the wire (<c>extensions.queues.messageEncoding</c>).</summary>
public enum QueueMessageEncoding
{
    /// <summary>The host's default: message text is base64 of the UTF-8 bytes.</summary>
    Base64,

    /// <summary>Message text is passed as it is.</summary>
    None,
}

/// <summary>The <c>extensions.queues</c> section of host.json, with the host's defaults.</summary>
public sealed record QueueTriggerOptions
{
    public int BatchSize { get; init; } = 16;

    /// <summary>A new batch is fetched once this many or fewer messages are still being processed.</summary>
    public int NewBatchThreshold { get; init; } = 8;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before it is tried again.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; init; } = 5;

    public QueueMessageEncoding MessageEncoding { get; init; } = QueueMessageEncoding.Base64;
}

/// <summary>What the DevHost takes from host.json.</summary>
public sealed record HostConfiguration
{
    /// <summary>The Functions host's shortest polling interval; it rejects smaller maxPollingInterval values too.</summary>
    internal static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Azure Storage returns at most 32 messages per receive, so the host caps batchSize there.</summary>
    internal const int MaxBatchSize = 32;

    /// <summary><c>extensions.http.routePrefix</c>; <c>api</c> unless set (an empty string means no prefix).</summary>
    public string RoutePrefix { get; init; } = "api";

    public QueueTriggerOptions Queues { get; init; } = new();

    /// <summary>The limit when host.json sets no <c>functionTimeout</c>: the Flex Consumption and Premium default.</summary>
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(30);

    /// <summary><c>functionTimeout</c>, <see cref="DefaultFunctionTimeout"/> if absent, null when it is <c>-1</c> (no limit).</summary>
    public TimeSpan? FunctionTimeout { get; init; } = DefaultFunctionTimeout;

    /// <summary><c>functions</c>: when present, only these functions are loaded.</summary>
    public IReadOnlyList<string>? Functions { get; init; }

    /// <summary>App settings with this prefix override host.json values, as under the real host.</summary>
    public const string OverridePrefix = "AzureFunctionsJobHost__";

    /// <param name="settings">
    /// The merged app settings: <c>AzureFunctionsJobHost__extensions__queues__visibilityTimeout</c> overrides
    /// <c>extensions.queues.visibilityTimeout</c>, so an environment can tune host.json without editing it.
    /// </param>
    public static HostConfiguration Load(string scriptRoot, IReadOnlyDictionary<string, string>? settings = null)
    {
        var path = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            throw new DevHostException($"No host.json in script root '{scriptRoot}': point --script-root at the Functions app's build or publish output (host.json, worker.config.json, functions.metadata).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), JsonReading.DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new DevHostException($"host.json is not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            try
            {
                var overrides = settings?.Where(s => s.Key.StartsWith(OverridePrefix, StringComparison.OrdinalIgnoreCase)).ToList() ?? [];
                if (overrides.Count == 0)
                {
                    return Parse(document.RootElement);
                }

                var root = JsonNode.Parse(document.RootElement.GetRawText()) as JsonObject
                    ?? throw new FormatException("the root must be a JSON object");
                foreach (var (key, value) in overrides)
                {
                    ApplyOverride(root, key[OverridePrefix.Length..].Split("__"), value);
                }

                using var merged = JsonDocument.Parse(root.ToJsonString());
                return Parse(merged.RootElement);
            }
            catch (FormatException exception)
            {
                throw new DevHostException($"host.json: {exception.Message}.", exception);
            }
        }
    }

    /// <summary>Sets one value at a path, matching existing names case-insensitively as the host does.</summary>
    private static void ApplyOverride(JsonObject root, string[] path, string value)
    {
        var node = root;
        for (var i = 0; i < path.Length; i++)
        {
            var existing = node.FirstOrDefault(p => string.Equals(p.Key, path[i], StringComparison.OrdinalIgnoreCase)).Key ?? path[i];
            if (i == path.Length - 1)
            {
                node[existing] = value;
                return;
            }

            if (node[existing] is not JsonObject child)
            {
                child = [];
                node[existing] = child;
            }

            node = child;
        }
    }

    internal static HostConfiguration Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the root must be a JSON object");
        }

        var http = root.Find("extensions", "http");
        var queues = root.Find("extensions", "queues");

        return new HostConfiguration
        {
            RoutePrefix = (http?.FindString("routePrefix") ?? "api").Trim('/'),
            Queues = queues is { } section ? ParseQueues(section) : new QueueTriggerOptions(),
            FunctionTimeout = ParseFunctionTimeout(root.FindString("functionTimeout")),
            Functions = root.FindStringArray("functions"),
        };
    }

    private static QueueTriggerOptions ParseQueues(JsonElement section)
    {
        var batchSize = section.FindInt32("batchSize") ?? 16;
        if (batchSize is < 1 or > MaxBatchSize)
        {
            throw new FormatException($"extensions.queues.batchSize must be between 1 and {MaxBatchSize} (was {batchSize})");
        }

        // The host's default threshold is half the batch size.
        var threshold = section.FindInt32("newBatchThreshold") ?? batchSize / 2;
        if (threshold < 0)
        {
            throw new FormatException($"extensions.queues.newBatchThreshold must not be negative (was {threshold})");
        }

        var maxPolling = section.FindTimeSpan("maxPollingInterval") ?? TimeSpan.FromMinutes(1);
        if (maxPolling < MinimumPollingInterval)
        {
            throw new FormatException($"extensions.queues.maxPollingInterval must be at least 00:00:00.1 (was {maxPolling})");
        }

        var visibility = section.FindTimeSpan("visibilityTimeout") ?? TimeSpan.Zero;
        if (visibility < TimeSpan.Zero)
        {
            throw new FormatException($"extensions.queues.visibilityTimeout must not be negative (was {visibility})");
        }

        var maxDequeue = section.FindInt32("maxDequeueCount") ?? 5;
        if (maxDequeue < 1)
        {
            throw new FormatException($"extensions.queues.maxDequeueCount must be at least 1 (was {maxDequeue})");
        }

        var encodingText = section.FindString("messageEncoding") ?? "base64";
        var encoding = encodingText.ToUpperInvariant() switch
        {
            "BASE64" => QueueMessageEncoding.Base64,
            "NONE" => QueueMessageEncoding.None,
            _ => throw new FormatException($"extensions.queues.messageEncoding must be \"base64\" or \"none\" (was \"{encodingText}\")"),
        };

        return new QueueTriggerOptions
        {
            BatchSize = batchSize,
            NewBatchThreshold = threshold,
            MaxPollingInterval = maxPolling,
            VisibilityTimeout = visibility,
            MaxDequeueCount = maxDequeue,
            MessageEncoding = encoding,
        };
    }

    private static TimeSpan? ParseFunctionTimeout(string? text)
    {
        if (text is null)
        {
            return DefaultFunctionTimeout;
        }

        if (text.Trim() == "-1")
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : throw new FormatException($"functionTimeout must be a positive duration such as \"00:05:00\" or -1 (was \"{text}\")");
    }
}
