using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>One <c>[LoggerMessage]</c> event as docs/log-events.md lists it.</summary>
public sealed record LogEventRow(string Process, int EventId, string Level, string Class, string Message)
{
    /// <summary>The row as a line of the Markdown table.</summary>
    public string ToMarkdown() =>
        string.Create(CultureInfo.InvariantCulture, $"| {Process} | {EventId} | {Level} | `{Class}` | `{Escape(Message)}` |");

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}

/// <summary>
/// The table of log events in docs/log-events.md: operators search it from a log line, so each process's test
/// project checks that its rows are the ones the <c>[LoggerMessage]</c> attributes of its assemblies declare.
/// </summary>
public static class LogEventTable
{
    /// <summary>Set to 1 to rewrite a process's rows in the document instead of failing.</summary>
    public const string UpdateVariable = "UPDATE_LOG_EVENTS";

    /// <summary>Regenerates every process's rows; the failure message names it.</summary>
    public const string RegenerateCommand = "scripts/log-events.sh";

    private const string HeaderLine = "| Process | Event id | Level | Class | Message template |";

    // The table's order: the processes that run in Azure first, then the local stand-ins.
    private static readonly string[] ProcessOrder = ["Functions", "Companion", "DevHost", "Sandbox"];

    public static string DocumentPath => Path.Combine(RepositoryPaths.Root, "docs", "log-events.md");

    /// <summary>
    /// Every <c>[LoggerMessage]</c> method of a process, ordered by event id: those of its entry assembly and of
    /// every Serverless.* assembly it references, directly or not (a project added later is included by itself).
    /// </summary>
    public static IReadOnlyList<LogEventRow> Read(string process, Assembly entryAssembly)
    {
        ArgumentNullException.ThrowIfNull(entryAssembly);
        return [.. OwnAssemblies(entryAssembly)
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(entry => entry.Attribute is not null)
            .Select(entry => new LogEventRow(
                process,
                entry.Attribute!.EventId,
                entry.Attribute.Level == LogLevel.None ? "(argument)" : entry.Attribute.Level.ToString(),
                (entry.Method.DeclaringType?.FullName ?? "?").Replace('+', '.'),
                entry.Attribute.Message))
            .OrderBy(row => row.EventId)
            .ThenBy(row => row.Class, StringComparer.Ordinal)
            .ThenBy(row => row.Message, StringComparer.Ordinal)];
    }

    /// <summary>Event ids used by more than one event of the process, each with the classes that use it.</summary>
    public static IReadOnlyList<string> SharedIds(IReadOnlyList<LogEventRow> rows) =>
        [.. rows
            .GroupBy(row => row.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => string.Create(CultureInfo.InvariantCulture, $"{group.Key}: {string.Join(", ", group.Select(row => $"{row.Class} \"{row.Message}\""))}"))];

    /// <summary>
    /// Null when the document lists exactly <paramref name="rows"/> for <paramref name="process"/>; else a message
    /// with the expected rows and the command that regenerates them. With <see cref="UpdateVariable"/> set to 1 it
    /// rewrites the process's rows instead, keeping the other processes' rows.
    /// </summary>
    public static string? Check(string process, IReadOnlyList<LogEventRow> rows, string testProject)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var lines = File.ReadAllLines(DocumentPath).ToList();
        var header = lines.IndexOf(HeaderLine);
        if (header < 0)
        {
            return $"{DocumentPath} has no line '{HeaderLine}'.";
        }

        var first = header + 2;
        var end = first;
        while (end < lines.Count && lines[end].StartsWith('|'))
        {
            end++;
        }

        var documented = lines[first..end];
        var expected = rows.Select(row => row.ToMarkdown()).ToList();
        var actual = documented.Where(line => ProcessOf(line) == process).ToList();
        if (actual.SequenceEqual(expected, StringComparer.Ordinal))
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            var merged = documented
                .Where(line => ProcessOf(line) != process)
                .Concat(expected)
                .OrderBy(line => Rank(ProcessOf(line)))
                .ThenBy(line => ProcessOf(line), StringComparer.Ordinal)
                .ThenBy(line => EventIdOf(line))
                .ToList();
            lines.RemoveRange(first, end - first);
            lines.InsertRange(first, merged);
            File.WriteAllText(DocumentPath, string.Join('\n', lines) + "\n");
            return null;
        }

        var message = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"docs/log-events.md does not list the log events of the {process} process as its code declares them.")
            .AppendLine(CultureInfo.InvariantCulture, $"Regenerate the table with `{RegenerateCommand}` (every process), or this process's rows only with")
            .AppendLine(CultureInfo.InvariantCulture, $"`{UpdateVariable}=1 dotnet test {testProject} --filter FullyQualifiedName~LogEventIdTests`, and commit the file.")
            .AppendLine(CultureInfo.InvariantCulture, $"Expected rows for {process}:");
        foreach (var line in expected)
        {
            message.AppendLine(line);
        }

        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var stale = actual.Except(expected, StringComparer.Ordinal).ToList();
        message.AppendLine(CultureInfo.InvariantCulture, $"Missing or changed ({missing.Count}):");
        missing.ForEach(line => message.AppendLine(line));
        message.AppendLine(CultureInfo.InvariantCulture, $"Documented but not in the code ({stale.Count}):");
        stale.ForEach(line => message.AppendLine(line));
        return message.ToString();
    }

    private static List<Assembly> OwnAssemblies(Assembly entryAssembly)
    {
        var found = new List<Assembly> { entryAssembly };
        for (var i = 0; i < found.Count; i++)
        {
            foreach (var reference in found[i].GetReferencedAssemblies())
            {
                if (reference.Name?.StartsWith("Serverless.", StringComparison.Ordinal) == true
                    && !found.Exists(assembly => assembly.GetName().Name == reference.Name))
                {
                    found.Add(Assembly.Load(reference));
                }
            }
        }

        return found;
    }

    private static string ProcessOf(string line) => line.Split('|', 3)[1].Trim();

    private static int EventIdOf(string line) =>
        int.TryParse(line.Split('|', 4)[2].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? id : int.MaxValue;

    private static int Rank(string process)
    {
        var index = Array.IndexOf(ProcessOrder, process);
        return index < 0 ? ProcessOrder.Length : index;
    }
}
