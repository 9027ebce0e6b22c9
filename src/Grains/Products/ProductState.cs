using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Products;

/// <summary>A reservation's units: how many it took, and how many have since been sold or given back.</summary>
public sealed record Reservation(int Quantity, int Sold, int Released)
{
    public int Outstanding => Quantity - Sold - Released;
}

/// <summary>
/// A product's stock, rebuilt from its journal (<see cref="ProductEvent"/>) and stored whole only in the journal's
/// snapshots. The same shape was once the grain's whole persistent state; such a state is imported as one event.
/// </summary>
public sealed class ProductState : IEventSourced<ProductEvent>
{
    public ProductDraft? Product { get; set; }

    public int Available { get; set; }

    public int Reserved { get; set; }

    public int Sold { get; set; }

    /// <summary>Rises with every change.</summary>
    public long Version { get; set; }

    /// <summary>Kept after they close, so a repeated reserve, confirm or release changes nothing.</summary>
    public Dictionary<string, Reservation> Reservations { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public StockLevels Levels => new(Available, Reserved, Sold);

    public void Apply(ProductEvent @event)
    {
        switch (@event)
        {
            case ProductCreated created:
                (Product, Available) = (created.Draft, created.Draft.Stock);
                break;
            case ProductRestocked restocked:
                Available += restocked.Quantity;
                break;
            case StockReserved reserved:
                Available -= reserved.Quantity;
                Reserved += reserved.Quantity;
                Reservations[reserved.ReservationId] = new Reservation(reserved.Quantity, 0, 0);
                break;
            case ReservationSettled settled:
                var reservation = Reservations[settled.ReservationId];
                Reserved -= settled.Sold + settled.Released;
                Sold += settled.Sold;
                Available += settled.Released;
                Reservations[settled.ReservationId] = reservation with { Sold = reservation.Sold + settled.Sold, Released = reservation.Released + settled.Released };
                break;
            case ProductImported imported:
                var stock = imported.Stock;
                (Product, Available, Reserved, Sold, Version) = (stock.Product, stock.Available, stock.Reserved, stock.Sold, stock.Version);
                Reservations = new(stock.Reservations, StringComparer.Ordinal);
                return; // the same stock, not a change: its version stays
        }
        Version++;
    }
}
