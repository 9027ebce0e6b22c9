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

    /// <summary>
    /// The machine's CPU ticks from /proc/stat, all and stolen: steal is the time the hypervisor gave this machine's
    /// cores to other guests, so a run with much of it ran on fewer cores than it seems.
    /// </summary>
    public static (long Total, long Steal) HostTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is counted in user already)
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        return ticks.Length < 8 ? (0, 0) : (ticks.Sum(), ticks[7]);
    }

    /// <summary>The share of the machine's CPU time stolen between two readings (NaN where /proc/stat is missing).</summary>
    public static double StealShare((long Total, long Steal) start, (long Total, long Steal) end) =>
        end.Total > start.Total ? (double)(end.Steal - start.Steal) / (end.Total - start.Total) : double.NaN;

    /// <summary>
    /// Bytes the process has handed to <c>write</c> and its kin (<c>wchar</c> of /proc/&lt;pid&gt;/io): what a store writes to
    /// its files, whether or not the disk has it yet (-1 where the file is missing).
    /// </summary>
    public static long WrittenBytes(string ioFile = "/proc/self/io")
    {
        if (!File.Exists(ioFile))
        {
            return -1;
        }
        var line = File.ReadLines(ioFile).FirstOrDefault(l => l.StartsWith("wchar:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The processor's model name from /proc/cpuinfo ("?" where it is missing): a run's figures belong to it.</summary>
    public static string ProcessorName(string cpuinfoFile = "/proc/cpuinfo")
    {
        var line = File.Exists(cpuinfoFile) ? File.ReadLines(cpuinfoFile).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() is { Length: > 0 } name ? name : "?";
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
