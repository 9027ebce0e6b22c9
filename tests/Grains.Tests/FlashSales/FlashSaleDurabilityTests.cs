using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleDurabilityTests(PostgresFixture postgres)
{
    private const string SaleId = "durable";

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task A_restart_and_a_crash_in_the_middle_of_a_sale_lose_no_acknowledged_purchase(Store store)
    {
        using var folder = new TempDirectory();
        await using var silo = await CommerceSilo.StartAsync(store, folder, postgres);
        var sale = await CreateSaleAsync(silo, SaleId, quantity: 300, perUserLimit: 2);
        List<OrderSnapshot> acknowledged = [];

        acknowledged.AddRange(await BuyAsync(sale, Enumerable.Range(0, 100).Select(i => $"a{i}")));
        foreach (var order in acknowledged.Take(30))
        {
            (await sale.Pay(order.Id, order.ShopperId)).Unwrap();
        }
        await silo.RestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, SaleId);   // references belong to the silo that made them

        var (afterRestart, _) = await AuditAsync(silo, SaleId, acknowledged);
        Assert.Equal((30, 70), (afterRestart.Sold, afterRestart.Reserved));

        // 400 shoppers go for the 200 units left; the silo crashes once 50 of them have their answer.
        var answered = 0;
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rush = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            try
            {
                return await sale.Purchase(Shopper($"b{i}"), 1, $"b{i}");
            }
            finally
            {
                if (Interlocked.Increment(ref answered) == 50)
                {
                    halfway.TrySetResult();
                }
            }
        }, CommerceSilo.Token)).ToList();
        await halfway.Task.WaitAsync(CommerceSilo.Token);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, SaleId);
        acknowledged.AddRange(await AcknowledgedAsync(rush));

        var (afterCrash, orders) = await AuditAsync(silo, SaleId, acknowledged);
        Assert.True(orders.Count >= acknowledged.Count);

        // The sale goes on after the crash and still sells no more than it has.
        acknowledged.AddRange(await BuyAsync(sale, Enumerable.Range(0, 300).Select(i => $"c{i}")));
        var (final, _) = await AuditAsync(silo, SaleId, acknowledged);
        Assert.Equal(300, final.Sold + final.Reserved);
        Assert.True(afterCrash.Sold + afterCrash.Reserved <= final.Sold + final.Reserved);
    }

    [Fact]
    public async Task A_purchase_whose_ledger_append_a_crash_cut_off_is_neither_acknowledged_nor_listed_and_its_retry_is_listed_once()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var sale = await CreateSaleAsync(silo, "cut", quantity: 10);
        gate.Hold("flash-sale");

        // The order and its list entry travel in one append; the crash takes that append, so neither exists.
        var purchase = Task.Run(() => sale.Purchase(Shopper("u1"), 1, "tap"), CommerceSilo.Token);
        await gate.Hit;
        Assert.Empty(await silo.ListedFor("u1"));
        gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        Assert.False(purchase.IsCompletedSuccessfully && (await purchase).IsSuccess, "A purchase whose order was never stored was acknowledged.");
        Assert.Equal(0, (await SaleIn(silo, "cut").Get())!.Reserved);
        Assert.Empty(await silo.ListedFor("u1"));

        // The shopper's retry with the key places it once and lists it once, crash or not.
        var orderId = (await SaleIn(silo, "cut").Purchase(Shopper("u1"), 1, "tap")).Unwrap().Id;
        Assert.Equal([orderId], await silo.ListedFor("u1"));
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        Assert.Equal(orderId, (await SaleIn(silo, "cut").Purchase(Shopper("u1"), 1, "tap")).Unwrap().Id);
        Assert.Equal([orderId], await silo.ListedFor("u1"));
        Assert.Equal(1, (await SaleIn(silo, "cut").Get())!.Reserved);
    }

    [Fact]
    public async Task Charges_cut_off_by_a_crash_are_settled_from_the_gateway_on_activation()
    {
        var gateway = new ControlledGateway();
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(gateway));
        var sale = await CreateSaleAsync(silo, "charging", quantity: 10);
        var charged = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        var notCharged = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();

        // Both payments are durably "started"; u1's money is taken but the grain never hears back, u2's never reaches the gateway.
        gateway.HoldAfter(charged.Id);
        gateway.HoldBefore(notCharged.Id);
        _ = sale.Pay(charged.Id, "u1");
        _ = sale.Pay(notCharged.Id, "u2");
        await Task.WhenAll(gateway.Called(charged.Id), gateway.Called(notCharged.Id));
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "charging");

        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(charged.Id))?.Status);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(notCharged.Id))?.Status);
        var snapshot = (await sale.Get())!;
        Assert.Equal((2, 1), (snapshot.Sold, snapshot.Reserved));
        Assert.Equal([charged.Id], gateway.Charges.Keys);

        // u2's order is an ordinary pending order again: its pay-by time cancels it.
        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.StartSiloAsync(CommerceSilo.Token);
        Assert.Equal(OrderStatus.Cancelled, (await SaleIn(silo, "charging").GetOrder(notCharged.Id))?.Status);
    }

    private static async Task<List<OrderSnapshot>> BuyAsync(IFlashSaleGrain sale, IEnumerable<string> shoppers)
    {
        var results = await Task.WhenAll(shoppers.Select(id => Task.Run(() => sale.Purchase(Shopper(id), 1, id), CommerceSilo.Token)));
        Assert.All(results, r => Assert.True(r.IsSuccess || r.Error!.Code == ErrorCodes.SoldOut, r.Error?.Code));
        return [.. results.Where(r => r.IsSuccess).Select(r => r.Value!)];
    }

    /// <summary>The purchases that got a success answer; the ones cut off by the crash fail or are refused.</summary>
    private static async Task<List<OrderSnapshot>> AcknowledgedAsync(List<Task<Result<OrderSnapshot>>> purchases)
    {
        try
        {
            await Task.WhenAll(purchases).WaitAsync(TimeSpan.FromSeconds(30), CommerceSilo.Token);
        }
        catch (Exception exception) when (exception is not TimeoutException)
        {
            // Calls in flight at the crash fail: they were never acknowledged.
        }
        return [.. purchases.Where(p => p.IsCompletedSuccessfully && p.Result.IsSuccess).Select(p => p.Result.Value!)];
    }
}
