using System.Globalization;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>Ours: one in-process call to a flash sale grain, answered once the order is recorded (durably, on a durable store).</summary>
internal sealed class GrainPurchaser(SaleRotation sales, Shopper[] shoppers) : IPurchaser
{
    public GrainPurchaser(IFlashSaleGrain sale, Shopper[] shoppers)
        : this(new SaleRotation([sale]), shoppers)
    {
    }

    /// <summary>The shoppers, made once so that no caller formats ids inside the measured loop (redis-benchmark does not either).</summary>
    public static Shopper[] MakeShoppers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Shopper(ShopperId(i), $"shopper {i}"))];

    /// <summary>The same 12-digit form redis-benchmark gives <c>__rand_int__</c>.</summary>
    public static string ShopperId(int index) => index.ToString("D12", CultureInfo.InvariantCulture);

    public async Task<Outcome> PurchaseAsync(int shopper)
    {
        var result = await sales.Next().Purchase(shoppers[shopper], 1, null);
        return result.IsSuccess ? Outcome.Acknowledged : result.Error!.Code switch
        {
            ErrorCodes.LimitExceeded => Outcome.LimitExceeded,
            ErrorCodes.SoldOut => Outcome.SoldOut,
            _ => Outcome.OtherRefusal,
        };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The sales the callers buy from: one hot sale, or many with each purchase going to the next in turn.</summary>
internal sealed class SaleRotation(IFlashSaleGrain[] sales)
{
    private int _next = -1;

    public IReadOnlyList<IFlashSaleGrain> Sales => sales;

    public IFlashSaleGrain Next() =>
        sales.Length == 1 ? sales[0] : sales[(int)((uint)Interlocked.Increment(ref _next) % (uint)sales.Length)];
}
