namespace GroupBuy.Load.Bench;

/// <summary>What <c>load bench</c> runs and with what sizes; the defaults are the spec's (10 k watchers, 10 000 campaigns, 1 M grains).</summary>
public sealed record BenchOptions
{
    public required string ApiDll { get; init; }

    public required string Work { get; init; }

    /// <summary>docs/benchmarks.md, updated in place (only the P4, P5 and P7 rows and the load tool's section); null: not written.</summary>
    public string? Doc { get; init; }

    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(["p4", "p5", "p7"], StringComparer.OrdinalIgnoreCase);

    public int Connections { get; init; } = 64;

    public TimeSpan RoundLength { get; init; } = TimeSpan.FromSeconds(10);

    public int Rounds { get; init; } = 2;

    public int Shoppers { get; init; } = 1000;

    public int Watchers { get; init; } = 10_000;

    public int Joins { get; init; } = 20;

    /// <summary>P5's bare hub: <c>inline</c> sends, then answers its broadcast; <c>queued</c> answers, then sends (the API's order).</summary>
    public string BareSend { get; init; } = "inline";

    /// <summary>Extra <c>--Key:Path value</c> arguments for every API server, for diagnostic runs; reported figures use none.</summary>
    public IReadOnlyList<string> ServerConfig { get; init; } = [];

    /// <summary>Extra environment variables for every API server (runtime knobs such as <c>DOTNET_TieredPGO</c>), for diagnostic runs; reported figures use none.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    public int Campaigns { get; init; } = 10_000;

    public int Grains { get; init; } = 1_000_000;

    /// <summary>The command line that reproduces the run, for the report.</summary>
    public string Command { get; init; } = "bash load/run-bench.sh";

    /// <summary>
    /// <c>Key:Path=value;Other=value</c> as the server's <c>--Key:Path value</c> arguments
    /// (e.g. <c>Runtime:JournalSnapshotInterval=1000000</c>).
    /// </summary>
    public static IReadOnlyList<string> ParseServerConfig(string pairs) =>
        [.. ParsePairs("--server-config", pairs).SelectMany(pair => new[] { $"--{pair.Key}", pair.Value })];

    /// <summary><c>NAME=value;OTHER=value</c> as environment variables.</summary>
    public static IReadOnlyDictionary<string, string> ParseServerEnvironment(string pairs) =>
        ParsePairs("--server-env", pairs).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    private static List<KeyValuePair<string, string>> ParsePairs(string option, string pairs)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"{option} takes Key=value pairs separated by ';', got '{pair}'");
            }
            parsed.Add(new(pair[..equals], pair[(equals + 1)..]));
        }
        return parsed;
    }

    /// <summary>
    /// Arguments every API server gets: the request pipeline as deployed (an environment of its own rather than
    /// Development, which adds the developer exception page and checks every scoped service's lifetime), dev tokens on
    /// for seeding, per-shopper limits out of the way, no order expiring mid-run.
    /// </summary>
    public IEnumerable<string> ServerArgs(string database) =>
    [
        "--environment", "Benchmark",
        "--Auth:DevTokens", "true",
        "--Storage:Provider", "sqlite",
        "--Storage:Sqlite:Path", database,
        "--RateLimits:PerShopperBurst", "100000",
        "--RateLimits:PerShopperPerPeriod", "100000",
        "--Orders:PaymentWindow", "01:00:00",
        "--Logging:LogLevel:Default", "Warning",
        .. ServerConfig,
    ];
}
