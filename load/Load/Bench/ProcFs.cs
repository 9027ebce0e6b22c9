using System.Globalization;

namespace GroupBuy.Load.Bench;

/// <summary>Memory and CPU figures of a process from Linux's /proc.</summary>
public static class ProcFs
{
    public static long RssBytes(string statusFile = "/proc/self/status")
    {
        var line = File.ReadLines(statusFile).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>utime + stime from /proc/&lt;pid&gt;/stat, in clock ticks of 1/100 s.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
