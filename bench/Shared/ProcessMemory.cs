using System.Globalization;

namespace Serverless.Bench;

/// <summary>A process's resident memory now (VmRSS) and at its peak so far (VmHWM), in MiB, from /proc (Linux).</summary>
internal readonly record struct ProcessMemory(double RssMiB, double PeakMiB)
{
    /// <summary>Zero on a system without /proc or for a process that has gone.</summary>
    public static ProcessMemory Read(int processId)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return default;
        }

        long rss = 0, peak = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKiB(line);
            }
        }

        return new ProcessMemory(rss / 1024.0, peak / 1024.0);

        // "VmRSS:	   28764 kB"
        static long ParseKiB(string line) =>
            long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
