using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>
/// docs/telemetry.md and the code agree on metric names: the alerts and the workbook query the documented names, so a
/// name the code does not create would be a chart that stays empty and an alert that never fires (or always does).
/// </summary>
public sealed partial class MetricCatalogSourceTests
{
    [Fact]
    public void Every_documented_metric_name_is_in_the_source()
    {
        var source = SourceFiles().Select(File.ReadAllText).ToList();
        var catalog = TelemetryCatalog.MetricNames();

        Assert.NotEmpty(catalog);
        var missing = catalog.Where(name => !source.Any(text => text.Contains($"\"{name}\"", StringComparison.Ordinal))).Order().ToList();
        Assert.True(missing.Count == 0, $"documented in docs/telemetry.md but created nowhere in src/: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_instrument_created_with_a_literal_name_is_documented()
    {
        var catalog = TelemetryCatalog.MetricNames();
        var created = SourceFiles()
            .SelectMany(path => InstrumentCreation().Matches(File.ReadAllText(path)).Select(match => (Path: Path.GetRelativePath(RepositoryPaths.Root, path), Name: match.Groups["name"].Value)))
            .ToList();

        var undocumented = created.Where(instrument => !catalog.Contains(instrument.Name)).Select(instrument => $"{instrument.Name} ({instrument.Path})").ToList();
        Assert.True(undocumented.Count == 0, $"created in src/ but not in docs/telemetry.md's catalog: {string.Join(", ", undocumented)}");
    }

    [Theory]
    [InlineData("docs/runbook.md")]
    [InlineData("docs/telemetry.md")]
    public void Every_metric_a_documented_query_names_is_in_the_catalog(string document)
    {
        var catalog = TelemetryCatalog.MetricNames();
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, document));
        var queries = KustoBlock().Matches(text).Select(match => match.Groups["query"].Value).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries.SelectMany(TelemetryCatalog.MetricNamesIn), name => Assert.Contains(name, catalog));
    }

    [Fact]
    public void The_creation_pattern_finds_every_kind_of_instrument()
    {
        // Guards the scan above: a pattern that matched nothing would pass it vacuously.
        string[] samples =
        [
            "meter.CreateHistogram<double>(\"bot.a\", unit: \"ms\")",
            "meter.CreateCounter<long>( \"bot.b\")",
            "meter.CreateObservableGauge<int>(\"bot.c\", Observe)",
            "meter.CreateObservableCounter<long>(\"bot.d\", Observe)",
            "meter.CreateObservableUpDownCounter<long>(\"bot.e\", Observe)",
            "meter.CreateUpDownCounter<long>(\"bot.f\")",
            "meter.CreateGauge<double>(\n    \"bot.g\")",
        ];

        Assert.Equal(["bot.a", "bot.b", "bot.c", "bot.d", "bot.e", "bot.f", "bot.g"], samples.Select(sample => InstrumentCreation().Match(sample).Groups["name"].Value));
        Assert.DoesNotMatch(InstrumentCreation(), "meter.CreateHistogram<double>(MetricNames.Duration)");
    }

    private static IEnumerable<string> SourceFiles() => Directory
        .EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"```kusto\n(?<query>.*?)```", RegexOptions.Singleline)]
    private static partial Regex KustoBlock();

    [GeneratedRegex(@"Create(?:Counter|Histogram|ObservableGauge|ObservableCounter|ObservableUpDownCounter|UpDownCounter|Gauge)<[^>]+>\(\s*""(?<name>[^""]+)""")]
    private static partial Regex InstrumentCreation();
}
