namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// P2, our side: purchase decisions per second in process on memory storage — one live flash sale, C concurrent
/// callers each buying one unit at a time for the next shopper to arrive, counted when acknowledged (the limit check,
/// the stock check, the order record and its entry in the shopper's list durable in one append; the run checks the
/// list at its end). The Redis side is run-p2.sh's.
/// </summary>
internal static class P2
{
    public const long Price = 990;

    public static async Task<bool> RunAsync(BenchOptions options)
    {
        Console.WriteLine($"P2 ours: one flash sale of {options.Quantity:N0} units (limit {options.PerUserLimit}), memory storage, " +
            $"{options.Callers} callers, {options.Shoppers:N0} shoppers {ShopperArrival.Describe(options.Shuffled)}, warm-up {options.WarmupSeconds} s, measured {options.Seconds} s");
        var shoppers = GrainPurchaser.MakeShoppers(options.Shoppers);
        await using var silo = await BenchSilo.StartMemoryAsync();
        var sale = await silo.CreateSaleAsync("p2", Price, options.Quantity, options.PerUserLimit);
        var result = await PurchaseLoad.RunAsync("ours (silo, memory storage)", options.Callers, ShopperArrival.Create(options.Shoppers, options.Shuffled),
            TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds),
            _ => Task.FromResult<IPurchaser>(new GrainPurchaser(sale, shoppers)));
        Console.WriteLine(result.Describe());

        if (result.TotalRefused > 0)
        {
            // A refusal means the sale or the shoppers' limits ran out: the rate then counts refusals' time as well.
            Console.WriteLine($"  INVALID: {result.TotalRefused:N0} purchases were refused (sold out or at the limit); raise --quantity and --shoppers");
        }
        var snapshot = (await sale.Get())!;
        var delivered = await ListCheck.LastOrderListedAsync(silo.OrderLists, sale, "p2", snapshot.Reserved);
        var audit = delivered && snapshot.Reserved == result.TotalAcknowledged && snapshot.Sold == 0
            && snapshot.Remaining == snapshot.Quantity - snapshot.Reserved && result.TotalFailed == 0 && result.TotalRefused == 0;
        Console.WriteLine($"  audit: {(audit ? "ok" : "FAILED")} (reserved {snapshot.Reserved:N0}, acknowledged {result.TotalAcknowledged:N0}, remaining {snapshot.Remaining:N0} of {snapshot.Quantity:N0})");
        Console.WriteLine($"RESULT p2.ours.per_second={result.PerSecond:F0}");
        Console.WriteLine($"RESULT p2.ours.audit={(audit ? "ok" : "failed")}");
        return audit;
    }
}
