using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// A charge still on its way from an activation that is gone (a crashed silo, a replaced activation) when the next
/// activation settles it as never taken: settling closes the payment id at the gateway, so the late charge is
/// refused. The shopper is never charged for an order cancelled meanwhile, and a still-payable order is paid under
/// a fresh payment id, once.
/// </summary>
public sealed class FlashSaleLateChargeTests
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);
    private readonly ControlledGateway _gateway = new();

    [Fact]
    public async Task A_charge_landing_after_a_new_activation_cancelled_the_order_is_refused_and_the_shopper_is_not_charged()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "late", quantity: 1, perUserLimit: 1);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        silo.Clock.Advance(CommerceSilo.PaymentWindow - OneMinute);

        // The payment is durably started and its charge is on its way to the gateway when the silo dies.
        var held = _gateway.HoldBefore(order.Id);
        _ = sale.Pay(order.Id, "u1");
        await _gateway.Called(order.Id);
        silo.Clock.Advance(OneMinute);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "late");

        // The new activation settles the charge past the pay-by time: none taken, so the order is cancelled and the unit resold.
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(order.Id))?.Status);
        var resold = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();

        // Then the dead process's charge reaches the gateway: refused, since the settlement closed its payment id.
        held.TrySetResult();
        await _gateway.Finished(order.Id);

        Assert.DoesNotContain(order.Id, _gateway.Charges.Keys);
        Assert.Contains(order.Id, _gateway.Closed);
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(resold.Id, "u2")).Unwrap().Status);
        Assert.Equal([resold.Id], _gateway.Charges.Keys);
    }

    [Theory]
    [InlineData(1)]       // every event goes into a snapshot at once: the order is loaded from its row
    [InlineData(1_000)]   // no snapshot: the order is rebuilt from its events
    public async Task A_still_payable_order_whose_late_charge_was_refused_is_paid_under_a_fresh_payment_id_once(int snapshotInterval)
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .AddSingleton<IPaymentGateway>(_gateway)
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = snapshotInterval));
        var sale = await CreateSaleAsync(silo, "fresh", quantity: 1, perUserLimit: 1);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        var held = _gateway.HoldBefore(order.Id);
        _ = sale.Pay(order.Id, "u1");
        await _gateway.Called(order.Id);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        // Activation settles the stranded charge before the pay-by time: never taken, so the order is payable again.
        Assert.Equal(OrderStatus.PendingPayment, (await SaleIn(silo, "fresh").GetOrder(order.Id))?.Status);
        held.TrySetResult();
        await _gateway.Finished(order.Id);
        Assert.Empty(_gateway.Charges);

        // The closed payment id is part of the stored order: after another restart the payment goes under the next id.
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "fresh");
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(order.Id, "u1")).Unwrap().Status);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(order.Id, "u1")).Unwrap().Status);

        var charge = Assert.Single(_gateway.Charges);
        Assert.Equal(($"{order.Id}#2", Price), (charge.Key, charge.Value.Amount));
        Assert.Equal([order.Id], _gateway.Closed);
        var snapshot = (await sale.Get())!;
        Assert.Equal((1, 0, 0), (snapshot.Sold, snapshot.Reserved, snapshot.Remaining));
    }
}
