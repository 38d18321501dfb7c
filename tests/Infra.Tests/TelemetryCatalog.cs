using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>
/// The metric catalog of <c>docs/telemetry.md</c>: the first backticked name of each row of the tables under
/// "## Metrics". The alerts, the workbook and the code are checked against it.
/// </summary>
internal static partial class TelemetryCatalog
{
    public static string DocumentPath => Path.Combine(RepositoryPaths.Root, "docs", "telemetry.md");

    public static IReadOnlySet<string> MetricNames()
    {
        var lines = File.ReadAllLines(DocumentPath);
        var start = Array.IndexOf(lines, "## Metrics");
        if (start < 0)
        {
            throw new InvalidOperationException("docs/telemetry.md has no '## Metrics' section.");
        }

        return lines.Skip(start + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => RowName().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Quoted metric names in a KQL query (<c>name == 'bot.queue.depth'</c>, <c>name in ('…', '…')</c>).</summary>
    public static IEnumerable<string> MetricNamesIn(string query) =>
        QuotedMetricName().Matches(query).Select(match => match.Groups["name"].Value);

    /// <summary>GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    public static string Anchor(string heading) =>
        new string(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    public static IReadOnlySet<string> Anchors(string markdownPath) => File.ReadAllLines(markdownPath)
        .Where(line => line.StartsWith('#'))
        .Select(line => Anchor(line.TrimStart('#')))
        .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^\|\s*`(?<name>(?:bot|discord|lavalink)\.[a-z0-9_.]+)`")]
    private static partial Regex RowName();

    [GeneratedRegex(@"'(?<name>(?:bot|discord|lavalink)\.[a-z0-9_.]+)'")]
    private static partial Regex QuotedMetricName();
}
