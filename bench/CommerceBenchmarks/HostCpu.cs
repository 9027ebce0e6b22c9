using System.Globalization;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// The whole machine's CPU time from /proc/stat. On a shared virtual machine, steal is the time the hypervisor gave
/// this machine's cores to other guests: a run with much of it ran on fewer cores than it seems, on both sides.
/// </summary>
internal readonly record struct HostCpu(long Total, long Steal)
{
    public static HostCpu Read()
    {
        if (!File.Exists("/proc/stat"))
        {
            return default;
        }
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is counted in user already)
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        return ticks.Length < 8 ? default : new(ticks.Sum(), ticks[7]);
    }

    /// <summary>The share of the machine's CPU time stolen between two readings (NaN where /proc/stat is missing).</summary>
    public static double StealShare(HostCpu start, HostCpu end) =>
        end.Total > start.Total ? (double)(end.Steal - start.Steal) / (end.Total - start.Total) : double.NaN;
}
