using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// Concurrent steps: the sale is reentrant, so commands interleave. The order ids tell the order the grain placed
/// them in; the model replays the placements in that order, and each refusal must hold of the state after the burst
/// (during a burst of purchases units only leave the sale and shoppers only gain units, so a refusal true when it
/// was made stays true).
/// </summary>
internal sealed partial class FlashSaleWalk
{
    private int _bursts;

    private async Task PurchaseBurstAsync()
    {
        var sale = Pick(_open);
        var burst = ++_bursts;
        // Few shoppers and two keys per burst, so some requests share a key.
        var plan = Enumerable.Range(0, Random.Next(3, 8)).Select(_ =>
        {
            var shopper = Pick(Shoppers[..3]);
            var key = Random.Next(4) switch { 0 => null, 1 => KeyFor(shopper), _ => $"b{burst}-{Random.Next(2)}" };
            return (Shopper: shopper, Quantity: Random.Next(1, sale.Limit + 2), Key: key);
        }).ToList();
        var now = Now;
        var known = plan.Select(p => sale.FindByKey(p.Shopper, p.Key)).ToList();
        var grain = SaleIn(Silo, sale.Id);
        var results = await Task.WhenAll(plan.Select(p => Task.Run(() => grain.Purchase(Shopper(p.Shopper), p.Quantity, p.Key), Token)));
        var answers = plan.Zip(results, known).ToList();
        Note($"purchase burst {sale.Id}: {string.Join("; ", answers.Select(a => $"{a.First.Shopper} ×{a.First.Quantity} key {a.First.Key ?? "-"} → {Describe(a.Second)}"))}");

        foreach (var (request, result, first) in answers.Where(a => a.Third is not null))
        {
            Check(result.Value?.Id == first!.Id, $"a replay of {first.Id} in a burst answered {Describe(result)}");
        }
        var placed = answers.Where(a => a.Third is null && a.Second.IsSuccess).GroupBy(a => a.Second.Value!.Id)
            .OrderBy(g => long.Parse(g.Key.Split('.')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var order in placed)
        {
            var snapshot = order.First().Second.Value!;
            var requests = order.Select(a => a.First).ToList();
            Check(requests.All(r => r.Shopper == snapshot.ShopperId && r.Key is not null && r.Key == requests[0].Key) || requests.Count == 1,
                $"requests without one shared key got the same order {snapshot.Id}");
            Check(requests.Any(r => r.Quantity == snapshot.Quantity), $"{snapshot.Id} has a quantity nobody asked for");
            var refusals = sale.RefusalsOf(snapshot.ShopperId, snapshot.Quantity, now);
            Check(refusals.Count == 0, $"{snapshot.Id} was placed though the model refuses it ({string.Join(", ", refusals)})");
            var expected = sale.Place(snapshot.ShopperId, snapshot.Quantity, requests[0].Key, now, CommerceSilo.PaymentWindow);
            Check(snapshot.Id == expected.Id && snapshot.PayBy == expected.PayBy && snapshot.Status == OrderStatus.PendingPayment,
                $"placed {snapshot.Id} paying by {At(snapshot.PayBy)}, expected {expected} paying by {At(expected.PayBy)}");
            _acknowledged[sale.Id].Add(snapshot);
        }
        foreach (var (request, result, _) in answers.Where(a => a.Third is null && !a.Second.IsSuccess))
        {
            var refusals = sale.RefusalsOf(request.Shopper, request.Quantity, now);
            Check(refusals.Contains(result.Error!.Code), $"{request} was refused {result.Error.Code}; after the burst the model allows only {string.Join(", ", refusals)}");
        }
    }

    /// <summary>Several payers at once for one pending order: one charge, every payer told it is paid.</summary>
    private async Task PayBurstAsync()
    {
        var pending = _open.SelectMany(s => s.Orders).Where(o => o.Status == OrderStatus.PendingPayment && o.FailedPaymentId is null).ToList();
        if (pending.Count == 0)
        {
            return;
        }
        var order = Pick(pending);
        var grain = SaleIn(Silo, order.Id.Split('.')[1]);
        var results = await Task.WhenAll(Enumerable.Range(0, Random.Next(2, 5)).Select(_ =>
            Task.Run(() => grain.Pay(order.Id, order.ShopperId), Token)));
        Note($"pay burst {order}: {string.Join(", ", results.Select(Describe))}");
        Check(results.All(r => r.Value?.Status == OrderStatus.Paid), $"concurrent payments of {order.Id} answered {string.Join(", ", results.Select(Describe))}");
        order.Status = OrderStatus.Paid;
    }

    /// <summary>
    /// Purchases under way when the silo crashes: every acknowledged one must be stored as acknowledged; one cut off
    /// may be stored or not, and if stored it is an ordinary order (the model takes it on). Their keys are never used
    /// again, since the model cannot know which of them the sale bound.
    /// </summary>
    private async Task CrashDuringPurchasesAsync()
    {
        var sale = Pick(_open);
        var burst = ++_bursts;
        var plan = Enumerable.Range(0, Random.Next(2, 7))
            .Select(i => (Shopper: Pick(Shoppers), Quantity: Random.Next(1, sale.Limit + 1), Key: $"c{burst}-{i}")).ToList();
        var now = Now;
        var grain = SaleIn(Silo, sale.Id);
        var results = await CrashAfterSomeAsync(plan.Select(p => (Func<Task<Result<OrderSnapshot>>>)(() => grain.Purchase(Shopper(p.Shopper), p.Quantity, p.Key))).ToList());
        var answers = plan.Zip(results).ToList();
        Note($"crash during purchases {sale.Id} after {results.Count(r => r is not null)} answers: {string.Join("; ", answers.Select(a => $"{a.First.Shopper} ×{a.First.Quantity} key {a.First.Key} → {(a.Second is { } r ? Describe(r) : "cut off")}"))}");

        var acknowledged = answers.Where(a => a.Second is { IsSuccess: true }).ToDictionary(a => a.Second!.Value!.Id);
        var grainAfter = SaleIn(Silo, sale.Id);
        while (await grainAfter.GetOrder(OrderId(sale.Id, sale.Orders.Count + 1)) is { } stored)
        {
            var refusals = sale.RefusalsOf(stored.ShopperId, stored.Quantity, now);
            Check(refusals.Count == 0, $"{stored.Id} is stored though the model refuses it ({string.Join(", ", refusals)})");
            Check(plan.Any(p => p.Shopper == stored.ShopperId && p.Quantity == stored.Quantity), $"{stored.Id} ({stored.ShopperId} ×{stored.Quantity}) was not asked for");
            var key = acknowledged.TryGetValue(stored.Id, out var ack) ? ack.First.Key : null;
            var expected = sale.Place(stored.ShopperId, stored.Quantity, key, now, CommerceSilo.PaymentWindow);
            Check(stored.PayBy == expected.PayBy && stored.Status == OrderStatus.PendingPayment, $"{stored.Id} is stored as {stored.Status} paying by {At(stored.PayBy)}");
            _acknowledged[sale.Id].Add(stored);
        }
        Check(acknowledged.Keys.All(id => sale.Orders.Any(o => o.Id == id)), $"an acknowledged order of {sale.Id} is missing after the crash");
        foreach (var (request, result) in answers.Where(a => a.Second is { IsSuccess: false }))
        {
            var refusals = sale.RefusalsOf(request.Shopper, request.Quantity, now);
            Check(refusals.Contains(result!.Error!.Code), $"{request} was refused {result.Error.Code}; the model allows only {string.Join(", ", refusals)}");
        }
        foreach (var other in _sales)
        {
            other.AdvanceTo(Now);
        }
        await AuditAsync(stockSettled: true);
    }
}
