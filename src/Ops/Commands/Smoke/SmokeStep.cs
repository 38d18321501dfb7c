using System.Globalization;

namespace Serverless.Ops.Commands.Smoke;

/// <summary>What one smoke step found: passed or not, and one line saying what it saw; <see cref="Details"/> lists specifics under it.</summary>
internal sealed record SmokeStepOutcome(bool Passed, string Summary, IReadOnlyList<string>? Details = null)
{
    public static SmokeStepOutcome Pass(string summary) => new(true, summary);

    public static SmokeStepOutcome Fail(string summary, IReadOnlyList<string>? details = null) => new(false, summary, details);
}

/// <summary>A step's outcome with its name and how long it took, as printed.</summary>
internal sealed record SmokeStepResult(string Name, SmokeStepOutcome Outcome, TimeSpan Elapsed)
{
    public bool Passed => Outcome.Passed;

    /// <summary>
    /// <c>✔ healthz 200 ok (84 ms)</c> on a terminal; <c>PASS healthz 200 ok (84 ms)</c> when <paramref name="ascii"/>, as
    /// for redirected output, so logs and CI captures stay plain ASCII like every other command's output.
    /// </summary>
    public string Format(bool ascii)
    {
        var mark = (Passed, ascii) switch
        {
            (true, false) => "\u2714",
            (false, false) => "\u2718",
            (true, true) => "PASS",
            (false, true) => "FAIL",
        };
        return $"{mark} {Name} {Outcome.Summary} ({FormatElapsed(Elapsed)})";
    }

    public static string FormatElapsed(TimeSpan elapsed) => elapsed < TimeSpan.FromSeconds(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMilliseconds} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");
}
