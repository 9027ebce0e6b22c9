namespace GroupBuy.Load.Bench;

/// <summary>One benchmark's outcome: its row of the summary table and its section of markdown.</summary>
public sealed record BenchSection(string Id, string Figure, string Bar, string Met, IReadOnlyList<string> Markdown);
