using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSalePaymentTests
{
    private readonly ControlledGateway _gateway = new();

    [Fact]
    public async Task Paying_twice_or_at_once_from_many_callers_charges_once()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "pay", quantity: 10);
        var order = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();

        var paid = (await sale.Pay(order.Id, "u1")).Unwrap();
        var again = (await sale.Pay(order.Id, "u1")).Unwrap();

        Assert.Equal((OrderStatus.Paid, OrderStatus.Paid), (paid.Status, again.Status));
        Assert.Equal(1, _gateway.ChargeCalls);
        Assert.Equal(2 * Price, _gateway.Charges[order.Id].Amount);

        var other = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => sale.Pay(other.Id, "u2"), CommerceSilo.Token)));
        Assert.All(results, r => Assert.Equal(OrderStatus.Paid, r.Unwrap().Status));
        Assert.Equal(2, _gateway.ChargeCalls);
        Assert.Equal((3, 0), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));
    }

    [Fact]
    public async Task Only_the_owner_pays_an_order()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "owner", quantity: 10);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();

        Assert.Equal(ErrorCodes.NotFound, (await sale.Pay(order.Id, "u2")).Error?.Code);
        Assert.Equal(ErrorCodes.NotFound, (await sale.Pay(OrderId("owner", 99), "u1")).Error?.Code);
        Assert.Equal(0, _gateway.ChargeCalls);
    }

    [Fact]
    public async Task Expiry_leaves_an_order_whose_payment_is_in_flight()
    {
        // The payment call stays open while the manual clock jumps past the 30 s response timeout.
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .AddSingleton<IPaymentGateway>(_gateway)
            .Configure<GrainRuntimeOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(1)));
        var sale = await CreateSaleAsync(silo, "in-flight", quantity: 10);
        var paying = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        (await sale.Purchase(Shopper("u2"), 3, null)).Unwrap();
        var hold = _gateway.HoldBefore(paying.Id);
        var payment = sale.Pay(paying.Id, "u1");
        await _gateway.Called(paying.Id);
        using var live = new LiveWatcher(silo, "in-flight");

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await live.WaitFor(s => s.Reserved == 2);   // u2's order expired in the same tick
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(paying.Id))?.Status);

        hold.SetResult();
        Assert.Equal(OrderStatus.Paid, (await payment).Unwrap().Status);
        Assert.Equal((2, 0, 8), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved, (await sale.Get())!.Remaining));
    }

    [Fact]
    public async Task A_failed_charge_leaves_the_order_pending_and_a_later_payment_goes_through()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var sale = await CreateSaleAsync(silo, "declined", quantity: 10);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        _gateway.Decline(order.Id);

        Assert.Equal(ErrorCodes.PaymentUnavailable, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(order.Id))?.Status);

        _gateway.Accept(order.Id);
        Assert.Equal(OrderStatus.Paid, (await sale.Pay(order.Id, "u1")).Unwrap().Status);
        Assert.Equal(2, _gateway.ChargeCalls);
    }
}
