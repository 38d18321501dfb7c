namespace Serverless.Ops.Commands;

/// <summary>Aligned plain-text tables: the first column left-aligned, the others right-aligned unless told, two spaces apart.</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string[]> rows, int leftAlignedColumns = 1)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, column) => column < leftAlignedColumns ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]));
            await output.WriteLineAsync(string.Join("  ", cells).TrimEnd());
        }
    }
}
