using System.Diagnostics;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// P2's cost per purchase for a FIXED amount of work, which a shared machine's noise moves far less than a rate:
/// C callers make N purchases (every shopper once per pass over the pool, so the mix of new and returning shoppers is the same in every
/// run), and the process's CPU time, allocated bytes and thread-pool work items are divided by N.
/// </summary>
internal static class P2Cost
{
    public static async Task<bool> RunAsync(BenchOptions options)
    {
        var purchases = options.Purchases;
        Console.WriteLine($"P2 cost: {purchases:N0} purchases by {options.Callers} callers over {options.Shoppers:N0} shoppers {ShopperArrival.Describe(options.Shuffled)}, memory storage (after a warm-up of 20,000 on another sale)");
        if (options.Sales > 1)
        {
            Console.WriteLine($"  spread over {options.Sales:N0} sales, each purchase to the next in turn (P7's spread case)");
        }
        var shoppers = GrainPurchaser.MakeShoppers(options.Shoppers);
        await using var silo = await BenchSilo.StartMemoryAsync();
        var warm = await silo.CreateSaleAsync("p2-warm", P2.Price, options.Quantity, options.PerUserLimit);
        await RunAsync(new GrainPurchaser(warm, GrainPurchaser.MakeShoppers(20_000)), options.Callers, 20_000, ShopperArrival.Create(20_000, options.Shuffled));
        var sales = new SaleRotation(await silo.CreateSalesAsync("p2-cost", options.Sales, P2.Price, options.Quantity, options.PerUserLimit));
        var sale = sales.Sales[0];

        using var sampler = options.SampleAllocations ? new AllocationSampler() : null;
        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        sampler?.Start();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var items = ThreadPool.CompletedWorkItemCount;
        var paused = GC.GetTotalPauseDuration();
        var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var acknowledged = await RunAsync(new GrainPurchaser(sales, shoppers), options.Callers, purchases, ShopperArrival.Create(options.Shoppers, options.Shuffled));
        sampler?.Stop();
        var delivered = await ListCheck.LastOrderListedAsync(silo.OrderLists, sale, "p2-cost", (await sale.Get())!.Reserved);
        process.Refresh();
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuPer = (process.TotalProcessorTime - cpu).TotalMicroseconds / purchases;
        var bytesPer = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / purchases;
        var itemsPer = (double)(ThreadPool.CompletedWorkItemCount - items) / purchases;
        var pausedPer = (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / purchases;
        Console.WriteLine($"  {acknowledged:N0} acknowledged in {elapsed.TotalSeconds:F1} s; per purchase: cpu {cpuPer:F1} µs, allocated {bytesPer:N0} B, " +
            $"thread-pool items {itemsPer:F1}, GC pauses {pausedPer:F1} µs (GCs gen0 {GC.CollectionCount(0) - collections.Item1}, gen1 {GC.CollectionCount(1) - collections.Item2}, gen2 {GC.CollectionCount(2) - collections.Item3})");
        Console.WriteLine($"  retained after a full GC: {(GC.GetTotalMemory(forceFullCollection: true) - retainedBefore) / (double)purchases:N0} B per purchase (activations, ledger, stored journals)");
        foreach (var (type, share) in sampler?.Top(25) ?? [])
        {
            Console.WriteLine($"    {share,6:P1}  {type}");
        }
        Console.WriteLine($"RESULT p2.cost.cpu_us={cpuPer:F1}");
        Console.WriteLine($"RESULT p2.cost.bytes={bytesPer:F0}");
        Console.WriteLine($"RESULT p2.cost.work_items={itemsPer:F2}");
        return delivered && acknowledged == purchases;
    }

    /// <summary>C loops share N purchases; answers how many were acknowledged.</summary>
    private static async Task<long> RunAsync(GrainPurchaser purchaser, int callers, int purchases, int[] arrival)
    {
        long next = -1;
        long acknowledged = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < purchases)
            {
                if (await purchaser.PurchaseAsync(arrival[index % arrival.Length]) == Outcome.Acknowledged)
                {
                    Interlocked.Increment(ref acknowledged);
                }
            }
        })));
        return acknowledged;
    }
}
