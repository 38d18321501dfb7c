namespace Serverless.ColdStart;

internal sealed record Summary(double Median, double P90, double Min, double Max)
{
    public const double TargetMilliseconds = 40;
    public const double TargetMiB = 40;

    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values to summarize.", nameof(values));
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;

        // Nearest rank: the smallest value with at least 90% of the values at or below it.
        var p90 = sorted[(int)Math.Ceiling(0.9 * sorted.Length) - 1];
        return new Summary(median, p90, sorted[0], sorted[^1]);
    }
}
