using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>
/// The keys of the README's "Configuration" table, the contract between the code and its settings. A row may list
/// siblings in short form (<c>`Discord__Gateway__ShardCount`, `__Intents`</c>) and whole sections (<c>`Discord__RateLimits__*`</c>).
/// </summary>
internal sealed partial class ReadmeConfigurationKeys
{
    private readonly HashSet<string> _keys;
    private readonly List<string> _prefixes;

    private ReadmeConfigurationKeys(HashSet<string> keys, List<string> prefixes)
    {
        _keys = keys;
        _prefixes = prefixes;
    }

    public static ReadmeConfigurationKeys Read()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = Array.IndexOf(lines, "## Configuration");
        if (start < 0)
        {
            throw new InvalidOperationException("README.md has no '## Configuration' section.");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)).Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            var prefix = "";
            foreach (Match token in Token().Matches(line))
            {
                var key = token.Groups["key"].Value;
                if (key.StartsWith("__", StringComparison.Ordinal))
                {
                    key = prefix + key;
                }
                else if (key.Contains("__", StringComparison.Ordinal))
                {
                    prefix = key[..key.LastIndexOf("__", StringComparison.Ordinal)];
                }

                if (key.EndsWith("__*", StringComparison.Ordinal))
                {
                    prefixes.Add(key[..^1]);
                }
                else
                {
                    keys.Add(key);
                }
            }
        }

        return new ReadmeConfigurationKeys(keys, prefixes);
    }

    public bool Covers(string key) => _keys.Contains(key) || _prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

    [GeneratedRegex(@"`(?<key>(?:__)?[A-Za-z][A-Za-z0-9_]*(?:__\*)?)`")]
    private static partial Regex Token();
}
