using GroupBuy.Grains.FlashSales;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>The ledger keeps its orders by sequence, not as objects: an order read back must be the order placed.</summary>
public sealed class FlashSaleLedgerOrderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_order_reads_back_whole_by_its_id_and_only_by_its_exact_id()
    {
        var ledger = Ledger("sale-7");
        var referral = new OrderReferral("group-1", "leader-1", 0.1m, 99);
        ledger.Apply(Placed("sale-7", 1, "alice", key: "k-1", referral: referral));
        ledger.Apply(Placed("sale-7", 2, "bob"));

        var first = ledger.FindOrder("fs.sale-7.1");
        Assert.Equal(new FlashOrder("fs.sale-7.1", 1, "alice", 2, 1980, Start, Start.AddMinutes(15), "k-1") { Referral = referral }, first);
        Assert.Equal(new FlashOrder("fs.sale-7.2", 2, "bob", 2, 1980, Start, Start.AddMinutes(15), null), ledger.FindOrder("fs.sale-7.2"));
        Assert.Equal(first, ledger.FindByKey("alice", "k-1"));
        Assert.All(
            ["fs.sale-7.01", "fs.sale-7.3", "fs.sale-7.0", "fs.sale-7.", "fs.sale-7.1x", "fs.sale-77.1", "fs.sale.1", "gb.sale-7.1", "fs.sale-7.-1", ""],
            id => Assert.Null(ledger.FindOrder(id)));
    }

    [Fact]
    public void Changes_replace_the_order_and_keep_the_shoppers_held_units_and_the_sales_counts()
    {
        var ledger = Ledger("s");
        ledger.Apply(Placed("s", 1, "alice", key: "k"));
        ledger.Apply(Placed("s", 2, "bob"));
        ledger.Apply(Placed("s", 3, "alice"));
        ledger.Apply(new PaymentStarted("fs.s.1"));
        ledger.Apply(new OrderPaid("fs.s.1", "pay-1", Start));
        ledger.Apply(new OrdersExpired(["fs.s.3"], Start.AddMinutes(20)));

        Assert.Equal(OrderStatus.Paid, ledger.FindOrder("fs.s.1")!.Status);
        Assert.Equal("k", ledger.FindOrder("fs.s.1")!.IdempotencyKey);
        Assert.False(ledger.FindOrder("fs.s.1")!.Charging);
        Assert.Equal(OrderStatus.Cancelled, ledger.FindOrder("fs.s.3")!.Status);
        Assert.Equal((2, 2), (ledger.HeldBy("alice"), ledger.HeldBy("bob")));
        Assert.Equal(0, ledger.HeldBy("carol"));
        Assert.Equal((2, 2, 3), (ledger.Sold, ledger.Reserved, ledger.LastSequence));
        Assert.Equal(["fs.s.2"], ledger.DueForExpiry(Start.AddHours(1)));
    }

    [Fact]
    public void Rows_loaded_out_of_order_and_with_gaps_are_found_and_indexed()
    {
        var ledger = Ledger("s");
        var paid = new FlashOrder("fs.s.5000", 5000, "alice", 1, 990, Start, Start.AddMinutes(15), null) { Status = OrderStatus.Paid };
        var pending = new FlashOrder("fs.s.3", 3, "bob", 2, 1980, Start, Start.AddMinutes(15), "k");

        Assert.Empty(ledger.Restore([paid, pending]));

        Assert.Equal(paid, ledger.FindOrder("fs.s.5000"));
        Assert.Equal(pending, ledger.FindOrder("fs.s.3"));
        Assert.Null(ledger.FindOrder("fs.s.4"));
        Assert.Equal(pending, ledger.FindByKey("bob", "k"));
        Assert.Equal((1, 2, 5000), (ledger.Sold, ledger.Reserved, ledger.LastSequence));
        Assert.Equal((1, 2), (ledger.HeldBy("alice"), ledger.HeldBy("bob")));
    }

    [Fact]
    public void A_sale_with_a_few_orders_holds_a_few_orders_worth_of_memory_not_a_whole_segment()
    {
        // Ten thousand small sales on one server: each must not reserve room for a thousand orders.
        var warm = Ledger("warm");
        warm.Apply(Placed("warm", 1, "warm-up"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ledger = Ledger("small");
        for (var sequence = 1; sequence <= 4; sequence++)
        {
            ledger.Apply(Placed("small", sequence, $"shopper-{sequence}"));
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 1, 16 * 1024);
        Assert.Equal(4, ledger.LastSequence);
    }

    private static FlashSaleLedger Ledger(string saleId)
    {
        var ledger = new FlashSaleLedger();
        ledger.Apply(new SaleCreated(saleId, new FlashSaleDraft("sku", 990, 100, Start, Start.AddDays(1), 10, "merchant"), Start));
        return ledger;
    }

    private static OrderPlaced Placed(string saleId, long sequence, string shopper, string? key = null, OrderReferral? referral = null) =>
        new(OrderIds.ForFlashSale(saleId, sequence), sequence, shopper, 2, 1980, Start, Start.AddMinutes(15), key, referral);
}
