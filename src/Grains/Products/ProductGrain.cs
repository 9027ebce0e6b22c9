using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Products;

/// <summary>
/// A product's stock, journaled: each change is one small event however many reservations the product holds (a
/// product can stock thousands of campaigns, each settling as its teams form). Reentrant for throughput, as a flash
/// sale is: each command checks and raises its event in one synchronous stretch of a turn, then awaits the journal,
/// which coalesces concurrent commands into one append; every answer waits until what it reports is durable.
/// <c>available + reserved + sold</c> changes only by restock.
/// </summary>
[Reentrant]
public sealed class ProductGrain(
    [PersistentState("stock")] IJournaledState<ProductState, ProductEvent> stock,
    [PersistentState("product")] IPersistentState<ProductState> earlier) : Grain, IProductGrain
{
    /// <summary>Why the journal could not be written: this activation serves nothing more while it is being replaced.</summary>
    private Exception? _fault;

    private ProductState State => stock.State;

    /// <summary>A product stored before its stock was journaled comes across whole, once, and its old state is cleared.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (stock.Version == 0 && earlier.State.Product is not null)
        {
            stock.Raise(new ProductImported(earlier.State));
            await stock.ConfirmAsync(cancellationToken);
            await earlier.ClearStateAsync(cancellationToken);
        }
    }

    public async Task<Result<ProductSnapshot>> Create(ProductDraft draft)
    {
        if (State.Product is not null)
        {
            await DurableAsync();
            return Result<ProductSnapshot>.Fail(ErrorCodes.Conflict, $"Product {draft.Sku} already exists.");
        }
        return Result<ProductSnapshot>.Ok(await ChangeAsync(new ProductCreated(draft), Snapshot));
    }

    public async Task<ProductSnapshot?> Get()
    {
        await DurableAsync();
        return State.Product is null ? null : Snapshot();
    }

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
        return Result<ProductSnapshot>.Ok(await ChangeAsync(new ProductRestocked(quantity), Snapshot));
    }

    public async Task<Result<StockLevels>> Reserve(string reservationId, int quantity)
    {
        if (State.Product is null)
        {
            return NotFound<StockLevels>();
        }
        if (State.Reservations.TryGetValue(reservationId, out var existing))
        {
            // A repeat is harmless only when it asks for what was taken: a sale created again under the same id with
            // another quantity would otherwise sell units this product never set aside for it.
            return existing.Quantity == quantity
                ? await UnchangedAsync()
                : Result<StockLevels>.Fail(ErrorCodes.Conflict, $"Reservation {reservationId} already holds {existing.Quantity} units, not {quantity}.");
        }
        if (quantity <= 0)
        {
            return Result<StockLevels>.Fail(ErrorCodes.Validation, "A reservation takes at least one unit.");
        }
        if (State.Available < quantity)
        {
            await DurableAsync();
            return Result<StockLevels>.Fail(ErrorCodes.InsufficientStock, $"Only {State.Available} units of {State.Product.Sku} are available.");
        }
        return Result<StockLevels>.Ok(await ChangeAsync(new StockReserved(reservationId, quantity), () => State.Levels));
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
            return await UnchangedAsync();
        }
        return Result<StockLevels>.Ok(await ChangeAsync(new ReservationSettled(reservationId, sold - reservation.Sold, released - reservation.Released), () => State.Levels));
    }

    private async Task<Result<StockLevels>> Close(string reservationId, bool sell)
    {
        if (!State.Reservations.TryGetValue(reservationId, out var reservation))
        {
            return NotFound<StockLevels>();
        }
        if (reservation.Outstanding == 0)
        {
            return await UnchangedAsync();
        }
        var outstanding = reservation.Outstanding;
        return Result<StockLevels>.Ok(await ChangeAsync(new ReservationSettled(reservationId, sell ? outstanding : 0, sell ? 0 : outstanding), () => State.Levels));
    }

    /// <summary>Raises the change and answers with <paramref name="answer"/> as it stands right after it, once it is durable.</summary>
    private async Task<T> ChangeAsync<T>(ProductEvent change, Func<T> answer)
    {
        if (_fault is not null)
        {
            throw new InvalidOperationException($"The stock of product {GetPrimaryKeyString()} could not be written; the activation is being replaced.", _fault);
        }
        stock.Raise(change);
        var answered = answer();
        await DurableAsync();
        return answered;
    }

    /// <summary>Nothing to change: the levels as they stand, once what they show is durable.</summary>
    private async Task<Result<StockLevels>> UnchangedAsync()
    {
        var levels = State.Levels;
        await DurableAsync();
        return Result<StockLevels>.Ok(levels);
    }

    /// <summary>Every event raised so far made durable (sharing the append with concurrent commands).</summary>
    private async Task DurableAsync()
    {
        if (stock.ConfirmedVersion == stock.Version)
        {
            return;
        }
        try
        {
            await stock.ConfirmAsync();
        }
        catch (Exception exception)
        {
            // The runtime drops this activation; until then nothing more may be raised on a state holding events the journal does not.
            _fault = exception;
            throw;
        }
    }

    private ProductSnapshot Snapshot() =>
        new(State.Product!.Sku, State.Product.Name, State.Product.Price, State.Product.MerchantId, State.Levels, State.Version);

    private Result<T> NotFound<T>() => Result<T>.Fail(ErrorCodes.NotFound, $"Product {GetPrimaryKeyString()} does not exist.");
}
