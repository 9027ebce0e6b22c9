using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// A charge call that fails has an unknown outcome (a timeout may come after the money was taken): the order stays
/// in payment until the gateway's look-up settles it, and no order is cancelled while the gateway cannot say.
/// </summary>
public sealed class FlashSaleUnknownChargeTests
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);
    private readonly ControlledGateway _gateway = new();

    [Fact]
    public async Task A_charge_taken_whose_call_failed_ends_paid_when_its_pay_by_time_passes_and_its_unit_is_not_resold()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "taken", quantity: 1, perUserLimit: 1);
        var order = (await sale.Purchase(Shopper("u1"), 1, "k1")).Unwrap();
        _gateway.FailAfterCharge(order.Id);

        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(order.Id))?.Status);
        Assert.True(_gateway.Charges.ContainsKey(order.Id));
        using var live = new LiveWatcher(silo, "taken");

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        var settled = await live.WaitFor(s => s.Reserved == 0);

        Assert.Equal((1, 0), (settled.Sold, settled.Remaining));
        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal(ErrorCodes.SoldOut, (await sale.Purchase(Shopper("u2"), 1, null)).Error?.Code);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(order.Id, "u1")).Unwrap().Status);
        Assert.Equal(1, _gateway.ChargeCalls);
    }

    [Fact]
    public async Task A_charge_the_gateway_never_took_fails_on_the_look_up_and_the_order_is_cancelled_at_its_pay_by_time()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "untaken", quantity: 1, perUserLimit: 1);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        _gateway.Decline(order.Id);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(order.Id, "u1")).Error?.Code);
        using var live = new LiveWatcher(silo, "untaken");

        // A minute later the clock asks the gateway, which has no charge: an ordinary pending order, armed for its pay-by time.
        var rearmed = Rearmed(silo);
        silo.Clock.Advance(OneMinute);
        await rearmed;
        Assert.Equal(1, _gateway.Lookups);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(order.Id))?.Status);

        silo.Clock.Advance(CommerceSilo.PaymentWindow - OneMinute);
        await live.WaitFor(s => s.Reserved == 0);

        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Empty(_gateway.Charges);
        Assert.True((await sale.Purchase(Shopper("u2"), 1, null)).IsSuccess);
    }

    [Fact]
    public async Task A_look_up_that_fails_at_the_pay_by_time_cancels_nothing_and_the_next_tick_settles_the_charge()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "lookup", quantity: 1, perUserLimit: 1);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        silo.Clock.Advance(CommerceSilo.PaymentWindow - OneMinute);
        _gateway.FailAfterCharge(order.Id);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(order.Id, "u1")).Error?.Code);
        using var live = new LiveWatcher(silo, "lookup");

        // The tick at the pay-by time asks the gateway, which cannot say: the order stays, and the clock asks again later.
        var lookupFailed = _gateway.FailLookups(1);
        var rearmed = Rearmed(silo);
        silo.Clock.Advance(OneMinute);
        await lookupFailed;
        await rearmed;
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal((0, 1), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));

        silo.Clock.Advance(OneMinute);
        var settled = await live.WaitFor(s => s.Sold == 1);

        Assert.Equal((0, 0), (settled.Reserved, settled.Remaining));
        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal((1, 2), (_gateway.ChargeCalls, _gateway.Lookups));
    }

    [Fact]
    public async Task A_payment_retried_after_the_pay_by_time_while_the_outcome_is_unknown_asks_the_gateway_and_never_charges_late()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "late-retry", quantity: 2, perUserLimit: 1);
        var taken = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        var untaken = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();
        silo.Clock.Advance(CommerceSilo.PaymentWindow - OneMinute);
        _gateway.FailAfterCharge(taken.Id);
        _gateway.Decline(untaken.Id);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(taken.Id, "u1")).Error?.Code);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(untaken.Id, "u2")).Error?.Code);

        var lookupsFailed = _gateway.FailLookups(2);
        var rearmed = Rearmed(silo);
        silo.Clock.Advance(OneMinute);
        await lookupsFailed;
        await rearmed;

        // Past the pay-by time a retry settles from the gateway's records: a card that works now is not charged late.
        _gateway.Accept(taken.Id);
        _gateway.Accept(untaken.Id);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(taken.Id, "u1")).Unwrap().Status);
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(untaken.Id, "u2")).Error?.Code);
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(untaken.Id))?.Status);
        Assert.Equal(2, _gateway.ChargeCalls);
        Assert.Equal([taken.Id], _gateway.Charges.Keys);
        var snapshot = (await sale.Get())!;
        Assert.Equal((1, 0, 1), (snapshot.Sold, snapshot.Reserved, snapshot.Remaining));
    }

    [Fact]
    public async Task A_payment_retried_before_the_pay_by_time_charges_again_and_the_gateway_takes_the_money_once()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "retry", quantity: 5);
        var order = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        _gateway.FailAfterCharge(order.Id);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(order.Id, "u1")).Error?.Code);

        _gateway.Accept(order.Id);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(order.Id, "u1")).Unwrap().Status);

        Assert.Equal(2, _gateway.ChargeCalls);
        Assert.Equal(2 * Price, Assert.Single(_gateway.Charges).Value.Amount);
        Assert.Equal((2, 0), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));
    }

    [Theory]
    [InlineData(Store.Memory)]
    [InlineData(Store.Sqlite)]
    public async Task An_unknown_outcome_survives_a_crash_and_the_activation_settles_it_from_the_gateway(Store store)
    {
        using var folder = new TempDirectory();
        await using var silo = await CommerceSilo.StartAsync(store, folder, services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "unknown", quantity: 10);
        var taken = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        var untaken = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();
        _gateway.FailAfterCharge(taken.Id);
        _gateway.Decline(untaken.Id);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(taken.Id, "u1")).Error?.Code);
        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(untaken.Id, "u2")).Error?.Code);

        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "unknown");

        // Activation asks the gateway: u1's money was taken, u2's never was (an ordinary pending order again).
        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(taken.Id))?.Status);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(untaken.Id))?.Status);
        Assert.Equal((2, 1), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));

        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.StartSiloAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "unknown");
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(untaken.Id))?.Status);
        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(taken.Id))?.Status);
        Assert.Equal([taken.Id], _gateway.Charges.Keys);
    }

    /// <summary>Completes when the clock is next armed (taken before the advance whose tick re-arms it).</summary>
    private static Task Rearmed(TestCluster silo) => silo.Clock.WhenTimerSet().WaitAsync(TimeSpan.FromSeconds(20), CommerceSilo.Token);
}
