using System.Text.Json;

namespace Serverless.TestSupport;

/// <summary>One function as the Functions host sees it: its name and trigger binding.</summary>
public sealed record DeclaredFunction(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods);

public static class FunctionMetadataReader
{
    /// <summary>Reads the SDK-generated <c>functions.metadata</c> of an isolated-worker app folder, the host's fallback to worker indexing.</summary>
    public static IReadOnlyList<DeclaredFunction> Read(string appRoot)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(appRoot, "functions.metadata")));
        var functions = new List<DeclaredFunction>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
            var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];
            functions.Add(new DeclaredFunction(
                function.GetProperty("name").GetString()!,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                methods));
        }

        return functions;
    }
}
