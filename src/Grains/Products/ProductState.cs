using GroupBuy.Grains.Interfaces.Products;

namespace GroupBuy.Grains.Products;

/// <summary>A reservation's units: how many it took, and how many have since been sold or given back.</summary>
public sealed record Reservation(int Quantity, int Sold, int Released)
{
    public int Outstanding => Quantity - Sold - Released;
}

public sealed class ProductState
{
    public ProductDraft? Product { get; set; }

    public int Available { get; set; }

    public int Reserved { get; set; }

    public int Sold { get; set; }

    public long Version { get; set; }

    /// <summary>Kept after they close, so a repeated reserve, confirm or release changes nothing.</summary>
    public Dictionary<string, Reservation> Reservations { get; set; } = new(StringComparer.Ordinal);

    public StockLevels Levels => new(Available, Reserved, Sold);
}
