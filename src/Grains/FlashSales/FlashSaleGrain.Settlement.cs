using GroupBuy.Grains.Interfaces.Products;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// Keeps the product's <c>flash-sale:{id}</c> reservation in step with the sale, off the purchase path:
/// <c>Settle</c> takes running totals (units sold so far; at the end, once no order is pending, the units
/// never sold), so it may lag, repeat or arrive late without harm. At most one settlement is in flight; calls
/// meanwhile are answered by the next one, which carries the latest totals.
/// </summary>
public sealed partial class FlashSaleGrain
{
    private (int Sold, int Released) _settled;
    private bool _settling;
    private TaskCompletionSource? _nextSettlement;

    /// <summary>Units sold, and units given back to the product once the sale is over and nothing is pending.</summary>
    private (int Sold, int Released) StockTotals()
    {
        var sale = Ledger.Sale!;
        var over = Now >= sale.EndsAt && Ledger.Reserved == 0;
        return (Ledger.Sold, over ? sale.Quantity - Ledger.Sold : 0);
    }

    /// <summary>Completes once the product has the current totals (or the attempt failed and was logged); never faults.</summary>
    private Task SettleStockAsync()
    {
        if (!_settling && StockTotals() == _settled)
        {
            return Task.CompletedTask;
        }
        var waiter = _nextSettlement ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_settling)
        {
            _settling = true;
            _ = RunSettlementsAsync();
        }
        return waiter.Task;
    }

    private async Task RunSettlementsAsync()
    {
        try
        {
            while (_nextSettlement is { } batch)
            {
                _nextSettlement = null;
                var totals = StockTotals();
                if (totals != _settled)
                {
                    await SettleAsync(totals);
                }
                batch.TrySetResult();
            }
        }
        finally
        {
            _settling = false;
        }
    }

    private async Task SettleAsync((int Sold, int Released) totals)
    {
        try
        {
            // The totals were read from the ledger as it is now: make that durable before the product hears of it.
            await ConfirmAsync();
            var product = GrainFactory.GetGrain<IProductGrain>(Ledger.Sale!.Sku);
            var result = await product.Settle(ReservationId, totals.Sold, totals.Released);
            if (result.IsSuccess)
            {
                _settled = totals;
            }
            else
            {
                FlashSaleLog.SettlementRefused(_logger, SaleId, result.Error!.Code, result.Error.Detail);
            }
        }
        catch (Exception exception)
        {
            // The next payment, clock tick or activation settles again with the running totals.
            FlashSaleLog.SettlementFailed(_logger, exception, SaleId);
        }
    }
}
