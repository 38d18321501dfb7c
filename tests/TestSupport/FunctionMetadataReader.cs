using System.Text.Json;

namespace Serverless.TestSupport;

/// <summary>One function as the Functions host sees it: its folder name and trigger binding.</summary>
public sealed record DeclaredFunction(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods);

public static class FunctionMetadataReader
{
    /// <summary>Reads every <c>*/function.json</c> under a function app folder, as the host does.</summary>
    public static IReadOnlyList<DeclaredFunction> Read(string appRoot)
    {
        var functions = new List<DeclaredFunction>();
        foreach (var file in Directory.GetFiles(appRoot, "function.json", SearchOption.AllDirectories))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = document.RootElement.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];
            functions.Add(new DeclaredFunction(
                Path.GetFileName(Path.GetDirectoryName(file)!),
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                methods));
        }

        return functions;
    }
}
