using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Scenarios;

/// <summary>What every scenario of a run shares: the server's clients, the seeder, the figures and the ledger.</summary>
public sealed class ScenarioContext(RunOptions options, LoadHttp http, HubPool hubs, Recorder recorder, TimeProvider clock)
{
    public RunOptions Options { get; } = options;

    public LoadHttp Http { get; } = http;

    public HubPool Hubs { get; } = hubs;

    public Recorder Recorder { get; } = recorder;

    public TimeProvider Clock { get; } = clock;

    public Seeder Seeder { get; } = new(http, options.RunId);

    public Ledger Ledger { get; } = new();

    /// <summary>Whether user <paramref name="index"/> falls within <paramref name="percent"/> % (spread evenly, not by chance).</summary>
    public static bool Within(int index, int percent) => index * 37 % 100 < percent;
}
