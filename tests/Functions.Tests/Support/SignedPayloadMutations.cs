using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Functions.Tests.Support;

/// <summary>
/// Well-formed interactions of every kind the bot handles, and their mutations: each JSON node replaced by a null, a
/// value of another type or a long string, or left out. For fuzzing the endpoint with bodies that pass the signature check.
/// </summary>
public static class SignedPayloadMutations
{
    /// <summary>What each node is replaced with, by name; <see cref="Removed"/> leaves an object's member out.</summary>
    private static readonly (string Name, Func<JsonNode?> Make)[] Replacements =
    [
        ("null", () => null),
        ("number", () => JsonValue.Create(12345)),
        ("negative fraction", () => JsonValue.Create(-1.5)),
        ("string", () => JsonValue.Create("text")),
        ("long string", () => JsonValue.Create(new string('x', 3000))),
        ("long emoji string", () => JsonValue.Create(string.Concat(Enumerable.Repeat("😀", 1500)))),
        ("boolean", () => JsonValue.Create(true)),
        ("object", () => new JsonObject()),
        ("array", () => new JsonArray()),
        ("array of null", () => new JsonArray((JsonNode?)null)),
    ];

    private const string Removed = "removed";

    /// <summary>One of each kind, at <paramref name="now"/> (a form's time must still be ahead).</summary>
    public static IReadOnlyList<(string Name, string Json)> Templates(DateTimeOffset now)
    {
        var draft = new ScheduleDraft(900000000000000003, now.AddDays(7), PostIds.ForInteraction(900000000000000099), new PostRecurrence(RecurrenceKind.Weekly)).Encode();
        return
        [
            ("ping", """{"type":1,"id":"1312345678901234567","application_id":"100000000000000001","token":"dG9rZW4","version":1}"""),
            ("/help", InGuild(2, """{"id":"1","name":"help","type":1}""")),
            ("/ping in a DM", """{"type":2,"id":"1312345678901234568","application_id":"100000000000000001","channel_id":"900000000000000002","token":"dG9rZW4","version":1,"locale":"en-GB","user":{"id":"80351110224678912","username":"nelly"},"data":{"id":"1","name":"ping","type":1}}"""),
            ("/schedule create", InGuild(2, """{"id":"1","name":"schedule","type":1,"options":[{"type":1,"name":"create","options":[{"type":7,"name":"channel","value":"900000000000000003"},{"type":3,"name":"when","value":"2026-12-01 09:30"},{"type":3,"name":"repeat","value":"cron"},{"type":3,"name":"cron","value":"0 9 * * 1-5"}]}],"resolved":{"channels":{"900000000000000003":{"id":"900000000000000003","type":0,"name":"announcements","permissions":"8"}}}}""")),
            ("/schedule timezone", InGuild(2, """{"id":"1","name":"schedule","type":1,"options":[{"type":1,"name":"timezone","options":[{"type":3,"name":"zone","value":"Europe/Paris"}]}]}""")),
            ("/status", InGuild(2, """{"id":"1","name":"status","type":1}""")),
            ("/music play", InGuild(2, """{"id":"1","name":"music","type":1,"options":[{"type":1,"name":"play","options":[{"type":3,"name":"query","value":"lofi"}]}]}""")),
            ("autocomplete", InGuild(4, """{"id":"1","name":"music","type":1,"options":[{"type":1,"name":"play","options":[{"type":3,"name":"query","value":"lo","focused":true}]}]}""")),
            ("music button", InGuild(
                3,
                $$"""{"custom_id":"{{MusicCommand.Buttons.Pause}}","component_type":2}""",
                message: """{"id":"900000000000000099","components":[{"type":1,"components":[{"type":2,"style":2,"label":"Pause","custom_id":"music:pause"}]}]}""")),
            ("schedule form", InGuild(5, $$"""{"custom_id":"{{draft}}","components":[{"type":1,"components":[{"type":4,"custom_id":"content","value":"Standup at 10"}]}]}""")),
        ];
    }

    private static string InGuild(int type, string data, string? message = null) =>
        $$"""{"type":{{type}},"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"dG9rZW4","version":1,"locale":"en-GB","guild_locale":"en-US","app_permissions":"2048","member":{"user":{"id":"80351110224678912","username":"nelly","global_name":"Nelly","bot":false},"permissions":"8","nick":"nel","roles":["900000000000000010"]},"data":{{data}}{{(message is null ? "" : ",\"message\":" + message)}}}""";

    /// <summary>Every node of <paramref name="json"/>, the root included, mutated in every way, one at a time.</summary>
    public static IEnumerable<(string Path, string Mutation, string Body)> EveryNodeOnce(string json)
    {
        foreach (var path in Paths(JsonNode.Parse(json)))
        {
            foreach (var (name, make) in Replacements)
            {
                var root = JsonNode.Parse(json);
                yield return (Describe(path), name, Mutate(ref root, path, make()));
            }

            if (path.Count > 0 && path[^1] is string)
            {
                var root = JsonNode.Parse(json);
                yield return (Describe(path), Removed, Mutate(ref root, path, null, remove: true));
            }
        }
    }

    /// <summary><paramref name="mutations"/> random mutations of <paramref name="json"/> applied one after the other.</summary>
    public static (string Description, string Body) Combined(string json, Random random, int mutations)
    {
        ArgumentNullException.ThrowIfNull(random);
        var root = JsonNode.Parse(json);
        var applied = new List<string>();
        var body = json;
        for (var i = 0; i < mutations; i++)
        {
            var paths = Paths(root);
            var path = paths[random.Next(paths.Count)];
            if (random.Next(Replacements.Length + 1) == Replacements.Length && path.Count > 0 && path[^1] is string)
            {
                body = Mutate(ref root, path, null, remove: true);
                applied.Add($"{Describe(path)} {Removed}");
            }
            else
            {
                var (name, make) = Replacements[random.Next(Replacements.Length)];
                body = Mutate(ref root, path, make());
                applied.Add($"{Describe(path)} {name}");
            }
        }

        return (string.Join("; ", applied), body);
    }

    /// <summary>Replaces (or removes) the node at <paramref name="path"/> and returns the whole document's text.</summary>
    private static string Mutate(ref JsonNode? root, IReadOnlyList<object> path, JsonNode? replacement, bool remove = false)
    {
        if (path.Count == 0)
        {
            root = replacement;
            return root?.ToJsonString() ?? "null";
        }

        var parent = root!;
        foreach (var step in path.Take(path.Count - 1))
        {
            parent = step is string key ? parent[key]! : parent[(int)step]!;
        }

        switch (path[^1], remove)
        {
            case (string key, true):
                parent.AsObject().Remove(key);
                break;
            case (string key, false):
                parent[key] = replacement;
                break;
            default:
                parent[(int)path[^1]] = replacement;
                break;
        }

        return root!.ToJsonString();
    }

    /// <summary>The path of every node, parents before children; a step is a property name or an array index.</summary>
    private static List<IReadOnlyList<object>> Paths(JsonNode? root)
    {
        var paths = new List<IReadOnlyList<object>>();
        Walk(root, []);
        return paths;

        void Walk(JsonNode? node, List<object> path)
        {
            paths.Add([.. path]);
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        Walk(child, [.. path, key]);
                    }

                    break;
                case JsonArray array:
                    for (var index = 0; index < array.Count; index++)
                    {
                        Walk(array[index], [.. path, index]);
                    }

                    break;
            }
        }
    }

    private static string Describe(IReadOnlyList<object> path) =>
        path.Count == 0 ? "(root)" : string.Join('.', path.Select(step => step is int index ? index.ToString(CultureInfo.InvariantCulture) : (string)step));
}
