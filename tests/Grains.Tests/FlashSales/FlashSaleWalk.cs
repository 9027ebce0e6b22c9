using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Tests.Walks;
using GroupBuy.Runtime.Hosting;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// A seeded random walk over flash sales on SQLite: purchases (with keys fresh, replayed or replayed with another
/// body), payments (some failing at the gateway with or without the money taken), clock advances across the
/// sales' windows and pay-by times, and graceful or crash restarts. Every answer is checked against
/// <see cref="ModelSale"/>, and the sales' totals after every step. The clock moves one due timer at a time
/// (<see cref="Runtime.Testing.TestCluster.AdvanceByStepsAsync"/>) and all times sit on a 30-second grid, so every tick
/// runs at its own due time and no deadline falls inside the second a tick keeps between itself and the next.
/// </summary>
internal sealed partial class FlashSaleWalk(int seed, Store store, PostgresFixture postgres) : ModelWalk(seed, store, postgres)
{
    private const int OpenSaleCount = 2;
    private const int ProductStock = 1_000;
    private const int AuditEvery = 25;
    private static readonly TimeSpan Grid = TimeSpan.FromSeconds(30);
    /// <summary>How long a charge with no answer waits for the clock to settle it (the sale's retry delay).</summary>
    private static readonly TimeSpan ChargeRetry = TimeSpan.FromMinutes(1);
    private static readonly string[] Shoppers = ["u1", "u2", "u3", "u4", "u5", "u6"];
    private static readonly int[] SnapshotIntervals = [1, 2, 3, 5];
    private static readonly int[] AdvanceGridSteps = [1, 2, 2, 4, 6, 10, 10, 11, 12];

    private readonly ControlledGateway _gateway = new();
    private readonly List<ModelSale> _sales = [];
    private readonly List<ModelSale> _open = [];
    private readonly Dictionary<string, List<OrderSnapshot>> _acknowledged = [];
    private readonly Dictionary<string, List<string>> _keysOf = [];
    private int _keys;

    /// <summary>Snapshots every few events, so loading lays stored order rows under replayed events, not just replays a journal.</summary>
    private int SnapshotInterval => SnapshotIntervals[Seed % SnapshotIntervals.Length];

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IPaymentGateway>(_gateway).Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = SnapshotInterval);

    protected override Task SetUpAsync()
    {
        Note($"seed {Seed}, a snapshot every {SnapshotInterval} events");
        return Task.CompletedTask;
    }

    protected override async Task StepAsync()
    {
        await OpenSalesAsync();
        var roll = Random.Next(100);
        await (roll switch
        {
            < 42 => PurchaseAsync(),
            < 48 => PurchaseBurstAsync(),
            < 67 => PayAsync(),
            < 70 => PayBurstAsync(),
            < 74 => PayAsSomeoneElseAsync(),
            < 94 => AdvanceAsync(),
            < 96 => RestartAsync(crash: false),
            < 98 => RestartAsync(crash: true),
            _ => CrashDuringPurchasesAsync(),
        });
        foreach (var sale in _open)
        {
            await CheckTotalsAsync(sale);
        }
        if (Step % AuditEvery == 0)
        {
            await AuditAsync(stockSettled: false);
        }
    }

    protected override Task FinishAsync() => AuditAsync(stockSettled: false);

    /// <summary>Keeps two sales open: one that is over with nothing pending makes way for a new one.</summary>
    private async Task OpenSalesAsync()
    {
        _open.RemoveAll(s => Now >= s.EndsAt && !s.HasPending);
        while (_open.Count < OpenSaleCount)
        {
            var id = $"w{Seed}s{_sales.Count + 1}";
            var (quantity, limit) = (Random.Next(3, 11), Random.Next(1, 4));
            var startsIn = Grid * Random.Next(0, 5);
            var duration = Grid * Random.Next(4, 31);
            await CreateSaleAsync(Silo, id, quantity, limit, startsIn, duration, ProductStock);
            var sale = new ModelSale(id, quantity, limit, Now + startsIn, Now + startsIn + duration);
            _acknowledged[id] = [];
            _sales.Add(sale);
            _open.Add(sale);
            Note($"create {id}: {quantity} units, limit {limit}, {At(sale.StartsAt)} to {At(sale.EndsAt)}");
        }
    }

    private async Task PurchaseAsync()
    {
        var sale = Pick(_open);
        var shopper = Pick(Shoppers);
        var quantity = Random.Next(1, sale.Limit + 2);
        var key = KeyFor(shopper);
        var now = Now;
        var result = await SaleIn(Silo, sale.Id).Purchase(Shopper(shopper), quantity, key);
        Note($"purchase {sale.Id} {shopper} ×{quantity} key {key ?? "-"} → {Describe(result)}");

        if (sale.FindByKey(shopper, key) is { } first)
        {
            // The same key from the same shopper: the same order, whatever the body and whatever became of it.
            var replayed = Expect(result, $"replay of {first.Id}");
            Check(replayed.Id == first.Id && replayed.Quantity == first.Quantity && replayed.PayBy == first.PayBy,
                $"a replay of key {key} answered {replayed.Id} ×{replayed.Quantity}, not {first}");
            CheckStatus(first, replayed.Status);
            return;
        }
        var refusals = sale.RefusalsOf(shopper, quantity, now);
        if (refusals.Count > 0)
        {
            Check(result.Error is { } error && refusals.Contains(error.Code),
                $"expected a refusal ({string.Join(" or ", refusals)}), got {Describe(result)}");
            return;
        }
        var placed = Expect(result, "a purchase the model accepts");
        var expected = sale.Place(shopper, quantity, key, now, CommerceSilo.PaymentWindow);
        Check(placed.Id == expected.Id && placed.ShopperId == shopper && placed.Quantity == quantity && placed.Amount == expected.Amount
            && placed.PayBy == expected.PayBy && placed.Status == OrderStatus.PendingPayment,
            $"placed {Describe(result)}, expected {expected} paying by {At(expected.PayBy)}");
        _acknowledged[sale.Id].Add(placed);
    }

    /// <summary>No key a fifth of the time; an earlier key of the shopper (any sale, maybe another quantity) a quarter; else a new one.</summary>
    private string? KeyFor(string shopper)
    {
        var used = _keysOf.TryGetValue(shopper, out var keys) ? keys : _keysOf[shopper] = [];
        var roll = Random.Next(100);
        if (roll < 20)
        {
            return null;
        }
        if (roll < 45 && used.Count > 0)
        {
            return Pick(used);
        }
        var key = $"k{++_keys}";
        used.Add(key);
        return key;
    }

    private async Task PayAsync()
    {
        var orders = _open.SelectMany(s => s.Orders).ToList();
        if (orders.Count == 0)
        {
            return;
        }
        var pending = orders.Where(o => o.Status == OrderStatus.PendingPayment).ToList();
        var order = pending.Count > 0 && Random.Next(4) > 0 ? Pick(pending) : Pick(orders);
        var sale = _sales.Single(s => s.Orders.Contains(order));
        var retry = order.FailedPaymentId is not null;
        // A first attempt may fail at the gateway; a retry goes through (its earlier failure may still be settling).
        var outcome = retry || order.Status != OrderStatus.PendingPayment ? "accept" : Random.Next(100) switch
        {
            < 15 => "decline",
            < 30 => "fail-after-charge",
            _ => "accept",
        };
        if (order.FailedPaymentId is { } failed)
        {
            _gateway.Accept(failed);
        }
        if (outcome != "accept")
        {
            // Never charged nor settled before, so the gateway charges it under the order id.
            order.FailedPaymentId = order.Id;
            (outcome == "decline" ? (Action<string>)_gateway.Decline : _gateway.FailAfterCharge)(order.Id);
        }
        var now = Now;
        var result = await SaleIn(Silo, sale.Id).Pay(order.Id, order.ShopperId);
        Note($"pay {order} ({outcome}) → {Describe(result)}");
        ExpectPayment(order, outcome, now, result);
    }

    private void ExpectPayment(ModelOrder order, string outcome, DateTimeOffset now, Result<OrderSnapshot> result)
    {
        if (order.Status == OrderStatus.PendingPayment && now >= order.PayBy)
        {
            // Only possible if a tick were missed: the model closes it as the grain must (money taken makes it paid).
            order.Status = order.Charging && order.Taken ? OrderStatus.Paid : OrderStatus.Cancelled;
            order.Charging = false;
        }
        switch (order.Status)
        {
            case OrderStatus.Cancelled:
                Check(result.Error?.Code == ErrorCodes.OrderClosed, $"paying a cancelled order answered {Describe(result)}");
                return;
            case OrderStatus.Paid:
                Check(result.Value?.Status == OrderStatus.Paid, $"paying a paid order again answered {Describe(result)}");
                return;
        }
        if (outcome == "accept")
        {
            // A retry may join the settling of its failed charge, which finds nothing taken: "retry shortly".
            var mayBeUnavailable = order.FailedPaymentId is not null && !(order.Charging && order.Taken);
            if (mayBeUnavailable && result.Error?.Code == ErrorCodes.PaymentUnavailable)
            {
                (order.Charging, order.Taken) = (false, false);
                return;
            }
            Check(result.Value?.Status == OrderStatus.Paid, $"a payment the gateway accepts answered {Describe(result)}");
            (order.Status, order.Charging, order.Taken) = (OrderStatus.Paid, false, false);
            return;
        }
        Check(result.Error?.Code == ErrorCodes.PaymentUnavailable, $"a charge that failed at the gateway answered {Describe(result)}");
        (order.Charging, order.Taken) = (true, outcome == "fail-after-charge");
    }

    private async Task PayAsSomeoneElseAsync()
    {
        var orders = _open.SelectMany(s => s.Orders).ToList();
        if (orders.Count == 0)
        {
            return;
        }
        var order = Pick(orders);
        var other = Pick(Shoppers.Where(s => s != order.ShopperId).ToList());
        var result = await SaleIn(Silo, order.Id.Split('.')[1]).Pay(order.Id, other);
        Note($"pay {order.Id} as {other} → {Describe(result)}");
        Check(result.Error?.Code == ErrorCodes.NotFound, $"another shopper paying {order.Id} answered {Describe(result)}");
    }

    /// <summary>
    /// Moves the clock on, one due timer at a time, each reminder delivered before the next
    /// (<see cref="Runtime.Testing.TestCluster.AdvanceByStepsAsync"/>); then every sale must be as the model has it at the new time.
    /// </summary>
    private async Task AdvanceAsync()
    {
        // A charge with no answer is settled by a tick within the retry delay: advance at least that far.
        var charging = _sales.Any(s => s.Orders.Any(o => o.Charging));
        var by = Grid * Pick(AdvanceGridSteps.Where(n => !charging || Grid * n >= ChargeRetry).ToList());
        // Sometimes the gateway's look-ups fail all along: charges with no answer stay in payment, past their pay-by too.
        var lookupsDown = charging && Random.Next(2) == 0;
        if (lookupsDown)
        {
            _ = _gateway.FailLookups(int.MaxValue);
        }
        await Silo.AdvanceByStepsAsync(by, Token);
        if (lookupsDown)
        {
            _ = _gateway.FailLookups(0);
        }
        Note($"advance {by} to {At(Now)}{(lookupsDown ? " with the gateway's look-ups failing" : "")}");
        foreach (var sale in _sales)
        {
            sale.AdvanceTo(Now, gatewayAnswers: !lookupsDown);
        }
    }

    /// <summary>Restarts the silo, gracefully (sometimes with the clock moving while it is down) or by a crash, then audits everything.</summary>
    private async Task RestartAsync(bool crash)
    {
        var downtime = crash ? TimeSpan.Zero : Grid * Random.Next(0, 13);
        if (crash)
        {
            await Silo.CrashAndRestartAsync(Token);
        }
        else
        {
            await RestartAfterAsync(downtime);
        }
        Note(crash ? "crash and restart" : $"restart, down for {downtime}, now {At(Now)}");
        // Reminders that fell due while the silo was down fire now; activation runs the same tick before serving a call.
        await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        foreach (var sale in _sales)
        {
            sale.AdvanceTo(Now);
        }
        await AuditAsync(stockSettled: true);
    }

    /// <summary>The sale's totals: exact for units held, and within what unsettled charges allow for units sold.</summary>
    private async Task CheckTotalsAsync(ModelSale sale)
    {
        var snapshot = (await SaleIn(Silo, sale.Id).Get())!;
        Check(snapshot.Sold + snapshot.Reserved + snapshot.Remaining == snapshot.Quantity && snapshot.Quantity == sale.Quantity,
            $"{sale.Id}: sold + reserved + remaining is not the quantity {sale.Quantity}: {snapshot}");
        Check(snapshot.Sold + snapshot.Reserved == sale.Sold + sale.Reserved,
            $"{sale.Id}: {snapshot.Sold + snapshot.Reserved} units held, the model holds {sale.Sold + sale.Reserved} ({snapshot})");
        Check(snapshot.Sold >= sale.Sold && snapshot.Sold <= sale.Sold + sale.MaybeSold,
            $"{sale.Id}: {snapshot.Sold} sold, the model has {sale.Sold} (+{sale.MaybeSold} charged and unsettled)");
        Check(snapshot.Status == sale.StatusAt(Now), $"{sale.Id}: status {snapshot.Status}, the model says {sale.StatusAt(Now)}");
    }

    /// <summary>
    /// Every sale, every order: the ledger's audit (totals match the orders, limits, acknowledged orders kept, shopper
    /// lists), each order's status against the model, the gateway's charges, and the product's stock.
    /// </summary>
    private async Task AuditAsync(bool stockSettled)
    {
        foreach (var sale in _sales)
        {
            await CheckTotalsAsync(sale);
            var (_, orders) = await FlashSaleTestKit.AuditAsync(Silo, sale.Id, _acknowledged[sale.Id]);
            Check(orders.Count == sale.Orders.Count, $"{sale.Id} holds {orders.Count} orders, the model {sale.Orders.Count}");
            foreach (var (stored, expected) in orders.Zip(sale.Orders))
            {
                CheckStatus(expected, stored.Status);
                var charged = _gateway.Charges.Keys.Count(id => id == expected.Id || id.StartsWith(expected.Id + "#", StringComparison.Ordinal));
                var expectedCharges = expected.Status == OrderStatus.Paid || expected.MaybePaid ? 1 : 0;
                Check(charged == expectedCharges, $"{expected} was charged under {charged} payment ids");
            }
            await CheckStockAsync(sale, stockSettled);
        }
        Note("audit passed");
    }

    /// <summary>Units never appear or vanish; right after activation the sale has settled its totals with the product.</summary>
    private async Task CheckStockAsync(ModelSale sale, bool settled)
    {
        var stock = (await Silo.GrainFactory.GetGrain<IProductGrain>(SkuOf(sale.Id)).Get())!.Stock;
        Check(stock.Available + stock.Reserved + stock.Sold == ProductStock, $"{SkuOf(sale.Id)} has {stock}, not {ProductStock} units");
        if (settled)
        {
            var released = Now >= sale.EndsAt && sale.Reserved == 0 ? sale.Quantity - sale.Sold : 0;
            var expected = new StockLevels(ProductStock - sale.Quantity + released, sale.Quantity - sale.Sold - released, sale.Sold);
            Check(stock == expected, $"{SkuOf(sale.Id)} has {stock} after activation, expected {expected}");
        }
    }

    private void CheckStatus(ModelOrder expected, OrderStatus actual) =>
        Check(actual == expected.Status || (expected.MaybePaid && actual == OrderStatus.Paid), $"{expected.Id} is {actual}, the model says {expected}");

    private static OrderSnapshot Expect(Result<OrderSnapshot> result, string what)
    {
        Check(result.IsSuccess, $"{what} was refused: {Describe(result)}");
        return result.Value!;
    }

    /// <summary>An order's answer in short: its id, quantity and status.</summary>
    private static string Describe(Result<OrderSnapshot> result) =>
        result.Value is { } o ? $"{o.Id} ×{o.Quantity} {o.Status}" : $"{result.Error!.Code}";
}
