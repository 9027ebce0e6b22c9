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
        var plan = Enumerable.Range(0, _random.Next(3, 8)).Select(_ =>
        {
            var shopper = Pick(Shoppers[..3]);
            var key = _random.Next(4) switch { 0 => null, 1 => KeyFor(shopper), _ => $"b{burst}-{_random.Next(2)}" };
            return (Shopper: shopper, Quantity: _random.Next(1, sale.Limit + 2), Key: key);
        }).ToList();
        var now = Now;
        var known = plan.Select(p => sale.FindByKey(p.Shopper, p.Key)).ToList();
        var grain = SaleIn(Silo, sale.Id);
        var results = await Task.WhenAll(plan.Select(p => Task.Run(() => grain.Purchase(Shopper(p.Shopper), p.Quantity, p.Key), CommerceSilo.Token)));
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
        var results = await Task.WhenAll(Enumerable.Range(0, _random.Next(2, 5)).Select(_ =>
            Task.Run(() => grain.Pay(order.Id, order.ShopperId), CommerceSilo.Token)));
        Note($"pay burst {order}: {string.Join(", ", results.Select(Describe))}");
        Check(results.All(r => r.Value?.Status == OrderStatus.Paid), $"concurrent payments of {order.Id} answered {string.Join(", ", results.Select(Describe))}");
        order.Status = OrderStatus.Paid;
    }
}
