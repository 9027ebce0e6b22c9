namespace GroupBuy.Load.Scenarios;

/// <summary>What a scenario run is asked to do; each scenario reads the settings it needs.</summary>
public sealed record RunOptions
{
    public required Uri Server { get; init; }

    /// <summary>Virtual shoppers (flash-sale, group-buy, day).</summary>
    public int Shoppers { get; init; } = 200;

    /// <summary>How long the run may last; a run whose users are all done ends sooner.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public Ramp Ramp { get; init; } = Ramp.Burst;

    /// <summary>Units on sale in a flash sale; 0 means half the shoppers (so it sells out).</summary>
    public int Quantity { get; init; }

    public int TeamSize { get; init; } = 3;

    /// <summary>Share of shoppers who pay their order (the rest leave it to expire), in percent.</summary>
    public int PayPercent { get; init; } = 90;

    /// <summary>Share of shoppers who watch the campaign or their team live, in percent.</summary>
    public int WatchPercent { get; init; } = 100;

    /// <summary>Hub connections in the watchers scenario.</summary>
    public int Watchers { get; init; } = 1000;

    /// <summary>Topics (teams) the watchers spread over.</summary>
    public int Topics { get; init; } = 10;

    /// <summary>Changes (watchers) or messages (chat) per second, in total.</summary>
    public double Rate { get; init; } = 20;

    public int Groups { get; init; } = 10;

    public int MembersPerGroup { get; init; } = 20;

    public int ConnectConcurrency { get; init; } = 64;

    public int HttpConnections { get; init; } = 256;

    /// <summary>Where the JSON and HTML reports go.</summary>
    public string OutputDirectory { get; init; } = "load-results";

    /// <summary>The run's id: every seeded name carries it.</summary>
    public string RunId { get; init; } = $"load{TimeProvider.System.GetUtcNow():MMddHHmmss}{Random.Shared.Next(1000):D3}";

    public int Seed { get; init; } = 1;

    /// <summary>No live display (reports are still written).</summary>
    public bool Quiet { get; init; }

    /// <summary>The settings as name → value, for the reports.</summary>
    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["server"] = Server.ToString(),
        ["shoppers"] = Shoppers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["duration"] = Durations.Format(Duration),
        ["ramp"] = Ramp.ToString(),
        ["quantity"] = Quantity > 0 ? Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture) : "half the sale's shoppers",
        ["teamSize"] = TeamSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["payPercent"] = PayPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["watchPercent"] = WatchPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["watchers"] = Watchers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["topics"] = Topics.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["rate"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["groups"] = Groups.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["membersPerGroup"] = MembersPerGroup.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["runId"] = RunId,
    };
}
