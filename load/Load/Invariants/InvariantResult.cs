namespace GroupBuy.Load.Invariants;

/// <summary>One correctness check at the end of a run: what it checked, whether it held, and what it saw.</summary>
public sealed record InvariantResult(string Name, bool Held, string Detail);
