using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.TestSupport;
using Npgsql;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// P3: durable purchases per second, each acknowledged only after its commit, on one SQLite file or one
/// throwaway PostgreSQL server (fsync on). Each round runs the naive one-transaction-per-purchase design, then
/// ours (the flash sale grain on the group-committing store), with the same callers and shoppers on the same
/// server or file; the ratio reported is the median of the rounds' ratios.
/// </summary>
internal static class P3
{
    public static async Task<bool> RunAsync(BenchOptions options)
    {
        var store = options.Store == DurableStore.Sqlite ? "sqlite" : "postgres";
        Console.WriteLine($"P3 on {store}: one flash sale of {options.Quantity:N0} units (limit {options.PerUserLimit}), " +
            $"{options.Callers} callers, {options.Shoppers:N0} shoppers {ShopperArrival.Describe(options.Shuffled)}, warm-up {options.WarmupSeconds} s, measured {options.Seconds} s each, {options.Rounds} round(s)");
        if (options.Sales > 1)
        {
            Console.WriteLine($"  ours spreads its purchases over {options.Sales:N0} such sales, each to the next in turn (P7's spread case); the naive design keeps one");
        }
        var shoppers = GrainPurchaser.MakeShoppers(options.Shoppers);
        var run = new Run(options, shoppers);
        if (options.Store == DurableStore.Sqlite)
        {
            Directory.CreateDirectory(options.DataFolder);
            var path = Path.Combine(options.DataFolder, $"p3-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
            Console.WriteLine($"  database: {path} (WAL; both designs sync the log before acknowledging)");
            try
            {
                NaiveSqlite.Prepare(path, run.NaiveSale);
                using var writer = new SemaphoreSlim(1, 1);
                await run.RoundsAsync(
                    _ => NaiveSqlite.CreateAsync(path, writer, run.NaiveSale, run.ShopperIds),
                    () => Task.FromResult(NaiveSqlite.Audit(path, run.NaiveSale)),
                    () => BenchSilo.StartSqliteAsync(path));
            }
            finally
            {
                foreach (var file in new[] { path, path + "-wal", path + "-shm", path + ".lock" })
                {
                    File.Delete(file);
                }
            }
        }
        else
        {
            await using var server = await PostgresServer.StartAsync(CancellationToken.None, durable: true);
            Console.WriteLine($"  server: throwaway PostgreSQL on 127.0.0.1:{server.Port}, fsync on (the server's defaults), for both designs");
            var builder = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync(CancellationToken.None)) { MaxPoolSize = options.Callers + 8 };
            await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            await NaivePostgres.PrepareAsync(dataSource, run.NaiveSale);
            var connectionString = await server.CreateDatabaseAsync(CancellationToken.None);
            await run.RoundsAsync(
                _ => NaivePostgres.CreateAsync(dataSource, run.NaiveSale, run.ShopperIds),
                () => NaivePostgres.AuditAsync(dataSource, run.NaiveSale),
                () => BenchSilo.StartPostgresAsync(connectionString));
        }
        return run.Report(store);
    }

    private sealed class Run(BenchOptions options, Shopper[] shoppers)
    {
        private readonly List<(LoadResult? Naive, LoadResult? Ours)> _rounds = [];
        private long _naiveAcknowledged;
        private bool _audits = true;

        public NaiveSale NaiveSale { get; } = new("p3", options.Quantity, options.PerUserLimit, P2.Price);

        public string[] ShopperIds { get; } = [.. shoppers.Select(s => s.Id)];

        /// <summary>The same arrival order for both designs, every round.</summary>
        private int[] Arrival { get; } = ShopperArrival.Create(shoppers.Length, options.Shuffled);

        private TimeSpan Warmup => TimeSpan.FromSeconds(options.WarmupSeconds);

        private TimeSpan Measure => TimeSpan.FromSeconds(options.Seconds);

        public async Task RoundsAsync(Func<int, Task<IPurchaser>> naivePurchaser, Func<Task<(long Orders, long Sold, long MaxHeld)>> naiveAudit, Func<Task<BenchSilo>> startSilo)
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                Console.WriteLine($"  round {round}:");
                LoadResult? naive = null;
                LoadResult? ours = null;
                if (options.Side is "both" or "naive")
                {
                    naive = await PurchaseLoad.RunAsync("naive (one transaction per purchase)", options.Callers, Arrival, Warmup, Measure, naivePurchaser);
                    Console.WriteLine(naive.Describe());
                    _naiveAcknowledged += naive.TotalAcknowledged;
                    AuditNaive(naive, await naiveAudit());
                }
                if (options.Side is "both" or "ours")
                {
                    ours = await RunOursAsync(startSilo, $"p3-{round}");
                }
                _rounds.Add((naive, ours));
            }
        }

        public bool Report(string store)
        {
            var naive = Median(_rounds.Where(r => r.Naive is not null).Select(r => r.Naive!.PerSecond));
            var ours = Median(_rounds.Where(r => r.Ours is not null).Select(r => r.Ours!.PerSecond));
            var perCommit = Median(_rounds.Where(r => r.Ours is not null).Select(r => r.Ours!.PerCommit));
            var ratio = Median(_rounds.Where(r => r is { Naive: not null, Ours: not null }).Select(r => r.Ours!.PerSecond / r.Naive!.PerSecond));
            if (!double.IsNaN(ratio))
            {
                Console.WriteLine($"P3 {store}: ours {ours:N0} purchases/s ({perCommit:F1} per commit), naive {naive:N0} purchases/s, " +
                    $"ratio {ratio:F2}× (bar ≥ 10×: {(ratio >= 10 ? "met" : "NOT met")})");
            }
            if (!double.IsNaN(naive))
            {
                Console.WriteLine($"RESULT p3.{store}.naive.per_second={naive:F0}");
            }
            if (!double.IsNaN(ours))
            {
                Console.WriteLine($"RESULT p3.{store}.ours.per_second={ours:F0}");
                Console.WriteLine($"RESULT p3.{store}.ours.per_commit={perCommit:F1}");
            }
            if (!double.IsNaN(ratio))
            {
                Console.WriteLine($"RESULT p3.{store}.ratio={ratio:F2}");
            }
            Console.WriteLine($"RESULT p3.{store}.audit={(_audits ? "ok" : "failed")}");
            return _audits;
        }

        /// <summary>
        /// Runs ours on sales of its own (one unless <c>--sales</c> says more), then stops the silo, starts a new one on
        /// the same store and checks every acknowledged unit is still reserved.
        /// </summary>
        private async Task<LoadResult> RunOursAsync(Func<Task<BenchSilo>> start, string saleId)
        {
            LoadResult result;
            await using (var silo = await start())
            {
                var sales = new SaleRotation(await silo.CreateSalesAsync(saleId, options.Sales, P2.Price, options.Quantity, options.PerUserLimit));
                result = await PurchaseLoad.RunAsync("ours (flash sale grain, group commit)", options.Callers, Arrival, Warmup, Measure,
                    _ => Task.FromResult<IPurchaser>(new GrainPurchaser(sales, shoppers)), () => (silo.Metrics.StorageTransactions, silo.Metrics.StorageBusyTime));
                Console.WriteLine(result.Describe());
                var first = sales.Sales[0];
                _audits &= await ListCheck.LastOrderListedAsync(silo.OrderLists, first, saleId, (await first.Get())!.Reserved);
            }
            long reserved = 0, sold = 0;
            var ok = result.TotalFailed == 0;
            await using (var restarted = await start())
            {
                var reading = System.Diagnostics.Stopwatch.StartNew();
                var firstSale = (await restarted.GrainFactory.GetGrain<IFlashSaleGrain>(saleId).Get())!;
                Console.WriteLine($"  first read after the restart: {reading.Elapsed.TotalMilliseconds:N0} ms (the sale's activation, {firstSale.Reserved:N0} orders)");
                await ListCheck.TimeListReadsAsync(restarted.OrderLists, shoppers);
                for (var n = 0; n < options.Sales; n++)
                {
                    var snapshot = n == 0 ? firstSale : (await restarted.GrainFactory.GetGrain<IFlashSaleGrain>($"{saleId}-{n}").Get())!;
                    (reserved, sold) = (reserved + snapshot.Reserved, sold + snapshot.Sold);
                    ok &= snapshot.Remaining == snapshot.Quantity - snapshot.Reserved - snapshot.Sold;
                }
            }
            ok &= reserved == result.TotalAcknowledged && sold == 0;
            Console.WriteLine($"  audit after a restart: {(ok ? "ok" : "FAILED")} (reserved {reserved:N0}, acknowledged {result.TotalAcknowledged:N0})");
            _audits &= ok;
            return result;
        }

        private void AuditNaive(LoadResult result, (long Orders, long Sold, long MaxHeld) stored)
        {
            var ok = stored.Orders == _naiveAcknowledged && stored.Sold == _naiveAcknowledged && stored.MaxHeld <= options.PerUserLimit && result.TotalFailed == 0;
            Console.WriteLine($"  audit: {(ok ? "ok" : "FAILED")} (orders {stored.Orders:N0}, units sold {stored.Sold:N0}, acknowledged so far {_naiveAcknowledged:N0}, most held by one shopper {stored.MaxHeld})");
            _audits &= ok;
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN
                : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
