using System.Globalization;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>Which durable store P3 runs on.</summary>
internal enum DurableStore
{
    Sqlite,
    Postgres,
}

/// <summary>The command line: <c>p2|p3 [--name value]…</c>; every option has a default sized for a 2-core machine.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values;

    private BenchOptions(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    public string Command { get; }

    /// <summary>Concurrent in-process callers (P2: the same client count as redis-benchmark's <c>-c</c>).</summary>
    public int Callers => Int("callers", Command == "p3" ? 64 : 50);

    /// <summary>Seconds of load before measuring (JIT, tiering, activations, pools).</summary>
    public double WarmupSeconds => Double("warmup", 3);

    /// <summary>Seconds measured.</summary>
    public double Seconds => Double("seconds", 10);

    /// <summary>Distinct shoppers the callers rotate through.</summary>
    public int Shoppers => Int("shoppers", 500_000);

    /// <summary>Units on sale: enough that the sale never sells out during a run (shoppers × limit must be enough too).</summary>
    public int Quantity => Int("quantity", 5_000_000);

    public int PerUserLimit => Int("limit", 10);

    /// <summary>Shoppers arrive shuffled (the default) or in rotation, in id order (<see cref="ShopperArrival"/>).</summary>
    public bool Shuffled => Get("order", "shuffled") switch
    {
        "shuffled" => true,
        "rotation" => false,
        var other => throw new ArgumentException($"--order is shuffled or rotation, not '{other}'."),
    };

    /// <summary>P3, ours: the sales the purchases go to, each to the next in turn (1, a hot sale; many, P7's spread case in process).</summary>
    public int Sales => Int("sales", 1);

    /// <summary>p2-cost: the fixed number of purchases measured.</summary>
    public int Purchases => Int("purchases", 300_000);

    /// <summary>p2-cost: <c>--allocations yes</c> prints the types that took the most of the bytes allocated.</summary>
    public bool SampleAllocations => Get("allocations", "no") == "yes";

    public DurableStore Store => Get("store", "sqlite") switch
    {
        "sqlite" => DurableStore.Sqlite,
        "postgres" => DurableStore.Postgres,
        var other => throw new ArgumentException($"--store must be sqlite or postgres, not {other}."),
    };

    /// <summary>P3: rounds of naive-then-ours; the ratio reported is the median of the rounds' ratios (the machine is shared).</summary>
    public int Rounds => Int("rounds", 1);

    /// <summary>P3: run only <c>ours</c>, only the <c>naive</c> baseline, or <c>both</c> (the default).</summary>
    public string Side => Get("side", "both");

    /// <summary>Where P3 puts its SQLite file (a real disk, never tmpfs: the point is the fsync).</summary>
    public string DataFolder => Get("data", Path.Combine(Path.GetTempPath(), "groupbuy-bench"));

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("p2" or "p2-cost" or "p3"))
        {
            throw new ArgumentException("usage: p2|p2-cost|p3 [--purchases N] [--callers N] [--warmup S] [--seconds S] [--shoppers N] [--quantity N] [--limit N] [--order shuffled|rotation] [--store sqlite|postgres] [--side both|ours|naive] [--sales N] [--rounds N] [--data DIR] [--allocations yes]");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            }
            values[args[i][2..]] = args[i + 1];
        }
        return new BenchOptions(args[0], values);
    }

    private string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    private int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var text) ? int.Parse(text.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    private double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
