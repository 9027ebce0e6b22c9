using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Testing;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>Everything the manual clock drives: pay-by expiry, and the sale's window.</summary>
public sealed class FlashSaleClockTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task An_unpaid_order_is_cancelled_at_its_pay_by_time_and_a_sold_out_sale_is_live_again()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "expiry", quantity: 2);
        var order = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        Assert.Equal(FlashSaleStatus.SoldOut, (await sale.Get())!.Status);
        using var live = new LiveWatcher(silo, "expiry");

        silo.Clock.Advance(CommerceSilo.PaymentWindow - OneSecond);
        Assert.Equal(OrderStatus.PendingPayment, (await sale.GetOrder(order.Id))?.Status);
        silo.Clock.Advance(OneSecond);

        var reopened = await live.WaitFor(s => s.Status == FlashSaleStatus.Live);
        Assert.Equal((2, 0, 0), (reopened.Remaining, reopened.Reserved, reopened.Sold));
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Empty(silo.Gateway().Charges);
        Assert.True((await sale.Purchase(Shopper("u2"), 2, null)).IsSuccess);
    }

    [Fact]
    public async Task An_order_whose_pay_by_time_passes_while_the_silo_is_down_is_cancelled_after_the_restart()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "down", quantity: 2);
        var order = (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();

        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(CommerceSilo.PaymentWindow + TimeSpan.FromMinutes(1));
        await silo.StartSiloAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "down");

        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(order.Id))?.Status);
        Assert.Equal((FlashSaleStatus.Live, 2), ((await sale.Get())!.Status, (await sale.Get())!.Remaining));
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(order.Id, "u1")).Error?.Code);
        Assert.Empty(silo.Gateway().Charges);
    }

    [Fact]
    public async Task Paying_at_the_pay_by_time_is_order_closed_even_before_the_clock_ticks()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "late-pay", quantity: 5);
        (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        silo.Clock.Advance(OneSecond / 2);
        var late = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();
        using var live = new LiveWatcher(silo, "late-pay");

        // The tick for u1's deadline re-arms the clock a full second later, so u2's deadline comes first.
        silo.Clock.Advance(CommerceSilo.PaymentWindow - (OneSecond / 2));
        await live.WaitFor(s => s.Reserved == 1);
        silo.Clock.Advance(OneSecond / 2);

        Assert.Equal(late.PayBy, silo.Clock.GetUtcNow());
        Assert.Equal(ErrorCodes.OrderClosed, (await sale.Pay(late.Id, "u2")).Error?.Code);
        Assert.Equal(5, (await sale.Get())!.Remaining);
        Assert.Empty(silo.Gateway().Charges);
    }

    [Fact]
    public async Task A_purchase_at_a_pay_by_time_gets_the_units_of_the_overdue_order_before_the_clock_ticks()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "overdue", quantity: 2);
        var overdue = await PlaceOrderDueBeforeTheTickAsync(silo, sale, "overdue");

        var order = (await sale.Purchase(Shopper("u3"), 2, null)).Unwrap();

        Assert.Equal(overdue.PayBy, silo.Clock.GetUtcNow());
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(overdue.Id))?.Status);
        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        var snapshot = (await sale.Get())!;
        Assert.Equal((FlashSaleStatus.SoldOut, 0, 2, 0), (snapshot.Status, snapshot.Remaining, snapshot.Reserved, snapshot.Sold));
    }

    [Fact]
    public async Task A_shopper_whose_own_order_is_overdue_is_not_refused_for_the_limit_before_the_clock_ticks()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "own-overdue", quantity: 10, perUserLimit: 1);
        var overdue = await PlaceOrderDueBeforeTheTickAsync(silo, sale, "own-overdue");

        Assert.True((await sale.Purchase(Shopper("u2"), 1, null)).IsSuccess);
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(overdue.Id))?.Status);
    }

    [Fact]
    public async Task A_purchase_still_refused_after_the_overdue_order_expired_leaves_its_units_shown_returned()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "still-refused", quantity: 2, perUserLimit: 3);
        var overdue = await PlaceOrderDueBeforeTheTickAsync(silo, sale, "still-refused");
        using var live = new LiveWatcher(silo, "still-refused");

        Assert.Equal(ErrorCodes.SoldOut, (await sale.Purchase(Shopper("u3"), 3, null)).Error?.Code);

        var returned = await live.WaitFor(s => s.Remaining == 2);
        Assert.Equal((FlashSaleStatus.Live, 0), (returned.Status, returned.Reserved));
        Assert.Equal(overdue.PayBy, silo.Clock.GetUtcNow());
        Assert.Equal(OrderStatus.Cancelled, (await sale.GetOrder(overdue.Id))?.Status);
    }

    /// <summary>
    /// u1 and then, half a second later, u2 buy a unit each; the clock runs to u2's pay-by time, where the tick that
    /// expired u1's order has re-armed itself a second later, so u2's order is overdue and not yet expired.
    /// </summary>
    private static async Task<OrderSnapshot> PlaceOrderDueBeforeTheTickAsync(TestCluster silo, IFlashSaleGrain sale, string saleId)
    {
        (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        silo.Clock.Advance(OneSecond / 2);
        var overdue = (await sale.Purchase(Shopper("u2"), 1, null)).Unwrap();
        using var live = new LiveWatcher(silo, saleId);
        silo.Clock.Advance(CommerceSilo.PaymentWindow - (OneSecond / 2));
        await live.WaitFor(s => s.Reserved == 1);
        silo.Clock.Advance(OneSecond / 2);
        return overdue;
    }

    [Fact]
    public async Task The_status_moves_from_scheduled_to_live_to_ended_by_the_clock()
    {
        await using var silo = await CommerceSilo.StartAsync();
        // It ends before the pay-by time of an order placed at its start, so the clock has nothing else to do in between.
        var sale = await CreateSaleAsync(silo, "window", quantity: 5, startsIn: TimeSpan.FromMinutes(10), duration: TimeSpan.FromMinutes(4));
        using var live = new LiveWatcher(silo, "window");
        var scheduled = (await sale.Get())!;
        Assert.Equal(FlashSaleStatus.Scheduled, scheduled.Status);
        Assert.Equal(ErrorCodes.NotStarted, (await sale.Purchase(Shopper("u1"), 1, null)).Error?.Code);

        silo.Clock.Advance(TimeSpan.FromMinutes(10));
        var started = await live.WaitFor(s => s.Status == FlashSaleStatus.Live);
        Assert.True(started.Version > scheduled.Version);
        var order = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        (await sale.Pay(order.Id, "u1")).Unwrap();

        silo.Clock.Advance(TimeSpan.FromMinutes(4));
        var ended = await live.WaitFor(s => s.Status == FlashSaleStatus.Ended);
        Assert.Equal((1, 4), (ended.Sold, ended.Remaining));
        Assert.Equal(FlashSaleStatus.Ended, (await sale.Get())!.Status);
        Assert.Equal(ErrorCodes.Ended, (await sale.Purchase(Shopper("u2"), 1, null)).Error?.Code);
    }

    [Fact]
    public async Task The_limit_counts_pending_and_paid_units_but_not_cancelled_ones()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "limit", quantity: 100, perUserLimit: 3);
        var paid = (await sale.Purchase(Shopper("u1"), 1, null)).Unwrap();
        (await sale.Pay(paid.Id, "u1")).Unwrap();
        (await sale.Purchase(Shopper("u1"), 2, null)).Unwrap();
        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("u1"), 1, null)).Error?.Code);
        Assert.True((await sale.Purchase(Shopper("u2"), 3, null)).IsSuccess);
        using var live = new LiveWatcher(silo, "limit");

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await live.WaitFor(s => s.Reserved == 0);

        Assert.True((await sale.Purchase(Shopper("u1"), 2, null)).IsSuccess);
        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("u1"), 1, null)).Error?.Code);
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_order_whatever_its_status()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "keys", quantity: 100, perUserLimit: 5);
        var first = (await sale.Purchase(Shopper("u1"), 2, "k1")).Unwrap();

        Assert.Equal(first, (await sale.Purchase(Shopper("u1"), 2, "k1")).Unwrap());
        Assert.NotEqual(first.Id, (await sale.Purchase(Shopper("u2"), 2, "k1")).Unwrap().Id);   // another shopper's key
        Assert.NotEqual(first.Id, (await sale.Purchase(Shopper("u1"), 1, "k2")).Unwrap().Id);
        (await sale.Pay(first.Id, "u1")).Unwrap();
        Assert.Equal(OrderStatus.Paid, (await sale.Purchase(Shopper("u1"), 2, "k1")).Unwrap().Status);
        var snapshot = (await sale.Get())!;
        Assert.Equal((2, 3), (snapshot.Sold, snapshot.Reserved));
    }
}
