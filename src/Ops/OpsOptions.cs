using System.CommandLine;

namespace Serverless.Ops;

/// <summary>The options every command shares, declared once.</summary>
internal static class OpsOptions
{
    /// <summary>The global <c>--output text|json</c>: on the root, recursive, so it is accepted anywhere.</summary>
    public static Option<OutputFormat> FormatOption() =>
        new("--output")
        {
            HelpName = "text|json",
            Description = "How results are printed on standard output: text for people (the default), json for scripts.",
            Recursive = true,
            DefaultValueFactory = _ => OutputFormat.Text,
        };
}
