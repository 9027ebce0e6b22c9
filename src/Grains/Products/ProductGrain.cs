using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Products;

/// <summary>
/// A product's stock. Non-reentrant: each command checks and changes the levels in one turn and is
/// acknowledged after its write. <c>available + reserved + sold</c> changes only by restock.
/// </summary>
public sealed class ProductGrain([PersistentState("product")] IPersistentState<ProductState> product) : Grain, IProductGrain
{
    private ProductState State => product.State;

    public async Task<Result<ProductSnapshot>> Create(ProductDraft draft)
    {
        if (State.Product is not null)
        {
            return Result<ProductSnapshot>.Fail(ErrorCodes.Conflict, $"Product {draft.Sku} already exists.");
        }
        State.Product = draft;
        State.Available = draft.Stock;
        return Result<ProductSnapshot>.Ok(await SaveAsync());
    }

    public Task<ProductSnapshot?> Get() => Task.FromResult(State.Product is null ? null : Snapshot());

    public async Task<Result<ProductSnapshot>> Restock(int quantity)
    {
        if (State.Product is null)
        {
            return NotFound<ProductSnapshot>();
        }
        if (quantity <= 0)
        {
            return Result<ProductSnapshot>.Fail(ErrorCodes.Validation, "A restock adds at least one unit.");
        }
        State.Available += quantity;
        return Result<ProductSnapshot>.Ok(await SaveAsync());
    }

    public async Task<Result<StockLevels>> Reserve(string reservationId, int quantity)
    {
        if (State.Product is null)
        {
            return NotFound<StockLevels>();
        }
        if (State.Reservations.ContainsKey(reservationId))
        {
            return Result<StockLevels>.Ok(State.Levels);
        }
        if (quantity <= 0)
        {
            return Result<StockLevels>.Fail(ErrorCodes.Validation, "A reservation takes at least one unit.");
        }
        if (State.Available < quantity)
        {
            return Result<StockLevels>.Fail(ErrorCodes.InsufficientStock, $"Only {State.Available} units of {State.Product.Sku} are available.");
        }
        State.Available -= quantity;
        State.Reserved += quantity;
        State.Reservations[reservationId] = new Reservation(quantity, 0, 0);
        await SaveAsync();
        return Result<StockLevels>.Ok(State.Levels);
    }

    public Task<Result<StockLevels>> Confirm(string reservationId) =>
        Close(reservationId, sell: true);

    public Task<Result<StockLevels>> Release(string reservationId) =>
        Close(reservationId, sell: false);

    public async Task<Result<StockLevels>> Settle(string reservationId, int soldTotal, int releasedTotal)
    {
        if (!State.Reservations.TryGetValue(reservationId, out var reservation))
        {
            return NotFound<StockLevels>();
        }
        var sold = Math.Max(reservation.Sold, soldTotal);
        var released = Math.Max(reservation.Released, releasedTotal);
        if (sold + released > reservation.Quantity || sold < 0 || released < 0)
        {
            return Result<StockLevels>.Fail(ErrorCodes.Validation, $"Reservation {reservationId} holds {reservation.Quantity} units, not {sold + released}.");
        }
        if (sold == reservation.Sold && released == reservation.Released)
        {
            return Result<StockLevels>.Ok(State.Levels);
        }
        Move(reservationId, reservation, sold - reservation.Sold, released - reservation.Released);
        await SaveAsync();
        return Result<StockLevels>.Ok(State.Levels);
    }

    private async Task<Result<StockLevels>> Close(string reservationId, bool sell)
    {
        if (!State.Reservations.TryGetValue(reservationId, out var reservation))
        {
            return NotFound<StockLevels>();
        }
        if (reservation.Outstanding == 0)
        {
            return Result<StockLevels>.Ok(State.Levels);
        }
        Move(reservationId, reservation, sell ? reservation.Outstanding : 0, sell ? 0 : reservation.Outstanding);
        await SaveAsync();
        return Result<StockLevels>.Ok(State.Levels);
    }

    private void Move(string reservationId, Reservation reservation, int sell, int release)
    {
        State.Reserved -= sell + release;
        State.Sold += sell;
        State.Available += release;
        State.Reservations[reservationId] = reservation with { Sold = reservation.Sold + sell, Released = reservation.Released + release };
    }

    private async Task<ProductSnapshot> SaveAsync()
    {
        State.Version++;
        await product.WriteStateAsync();
        return Snapshot();
    }

    private ProductSnapshot Snapshot() =>
        new(State.Product!.Sku, State.Product.Name, State.Product.Price, State.Product.MerchantId, State.Levels, State.Version);

    private Result<T> NotFound<T>() => Result<T>.Fail(ErrorCodes.NotFound, $"Product {GetPrimaryKeyString()} does not exist.");
}
