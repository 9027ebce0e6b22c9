namespace GroupBuy.Grains.Interfaces;

/// <summary>A signed-in shopper as grains see one: the id from the token and a display name.</summary>
public sealed record Shopper(string Id, string Name);
