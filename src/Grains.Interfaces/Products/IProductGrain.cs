using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Products;

public sealed record ProductDraft(string Sku, string Name, long Price, int Stock, string MerchantId);

/// <summary>Every unit is in exactly one of these; only a restock changes their sum.</summary>
public sealed record StockLevels(int Available, int Reserved, int Sold);

public sealed record ProductSnapshot(string Sku, string Name, long Price, string MerchantId, StockLevels Stock, long Version);

/// <summary>
/// A product's stock (key: sku). Reservations are keyed by id — an order id, or a campaign's allocation id
/// (<c>flash-sale:{id}</c>, <c>group-buy:{id}</c>) — and every change is idempotent per id.
/// </summary>
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>Creates the product; <c>conflict</c> when the sku exists.</summary>
    Task<Result<ProductSnapshot>> Create(ProductDraft draft);

    Task<ProductSnapshot?> Get();

    Task<Result<ProductSnapshot>> Restock(int quantity);

    /// <summary>Moves units from available to reserved for the id; repeating it changes nothing; <c>insufficient_stock</c> when too few.</summary>
    Task<Result<StockLevels>> Reserve(string reservationId, int quantity);

    /// <summary>Moves the reservation's remaining units to sold.</summary>
    Task<Result<StockLevels>> Confirm(string reservationId);

    /// <summary>Moves the reservation's remaining units back to available.</summary>
    Task<Result<StockLevels>> Release(string reservationId);

    /// <summary>
    /// Settles part of a reservation, with running totals (units sold so far, units given back so far):
    /// only the growth since the last settlement moves, so repeats and reorderings change nothing.
    /// </summary>
    Task<Result<StockLevels>> Settle(string reservationId, int soldTotal, int releasedTotal);
}
