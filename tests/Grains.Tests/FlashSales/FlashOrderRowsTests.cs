using System.Text.Json;
using System.Text.Json.Serialization;
using GroupBuy.Grains.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashOrderRowsTests
{
    /// <summary>How an older build stored a row: the order as JSON, nulls left out.</summary>
    private static readonly JsonSerializerOptions OlderRows = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly DateTimeOffset Placed = new DateTimeOffset(2026, 11, 24, 14, 5, 6, 789, TimeSpan.Zero).AddTicks(1234);

    private static FlashOrder Plain(long sequence = 7) =>
        new(OrderId("sale-7f3a", sequence), sequence, "shopper-0042", 2, 2 * Price, Placed, Placed.AddMinutes(15), null);

    public static TheoryData<string, FlashOrder> Orders() => new()
    {
        { "plain", Plain() },
        { "first of its sale", Plain(1) },
        { "a long sale", Plain(4_000_000_123) },
        { "keyed and referred", Plain() with { IdempotencyKey = "retry-0f9e", Referral = new OrderReferral("group-1", "leader-小王", 0.123m, 243) } },
        { "paid", Plain() with { Status = OrderStatus.Paid } },
        { "in payment after two closed charges", Plain() with { Charging = true, ClosedCharges = 2 } },
        { "cancelled", Plain() with { Status = OrderStatus.Cancelled } },
        { "refunded", Plain() with { Status = OrderStatus.Refunded } },
        { "confirmed", Plain() with { Status = OrderStatus.Confirmed } },
        { "times with offsets", Plain() with { CreatedAt = Placed.ToOffset(TimeSpan.FromHours(8)), PayBy = Placed.AddMinutes(15).ToOffset(TimeSpan.FromMinutes(-330)) } },
        { "pay-by before placement", Plain() with { PayBy = Placed.AddSeconds(-1) } },
        { "large amounts, empty key, no rate", Plain() with { Quantity = int.MaxValue, Amount = long.MaxValue, IdempotencyKey = "", Referral = new OrderReferral("g", "l", 0m, 0) } },
        { "a shopper id in Chinese", Plain() with { ShopperId = "团长-小王-" + new string('x', 300) } },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void Every_part_of_an_order_comes_back_from_its_row(string kind, FlashOrder order)
    {
        var row = FlashOrderRows.Format.Encode(order);

        _ = kind;   // names the case
        var back = FlashOrderRows.Decode(new IndexedItem(order.Id, row));
        Assert.Equal(order, back);
        Assert.Equal((order.CreatedAt.Offset, order.PayBy.Offset), (back.CreatedAt.Offset, back.PayBy.Offset));   // equality compares instants only
        Assert.Equal(1, row[0]);
    }

    [Fact]
    public void A_row_holds_a_fraction_of_the_orders_json_and_not_its_id()
    {
        var order = Plain(123_456);
        var row = FlashOrderRows.Format.Encode(order);

        Assert.InRange(row.Length, 1, 48);
        Assert.True(row.Length * 5 < JsonSerializer.SerializeToUtf8Bytes(order, OlderRows).Length);
        Assert.DoesNotContain("sale-7f3a", System.Text.Encoding.UTF8.GetString(row), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void A_row_an_older_build_wrote_as_json_reads_the_same(string kind, FlashOrder order)
    {
        var row = JsonSerializer.SerializeToUtf8Bytes(order, OlderRows);

        _ = kind;   // names the case
        Assert.Equal(order, FlashOrderRows.Decode(new IndexedItem(order.Id, row)));
    }

    [Fact]
    public void A_row_cut_short_or_overlong_is_refused_never_read_as_another_order()
    {
        var order = Plain() with { IdempotencyKey = "k", Referral = new OrderReferral("g", "l", 0.1m, 99) };
        var row = FlashOrderRows.Format.Encode(order);

        for (var length = 0; length < row.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => FlashOrderRows.Decode(new IndexedItem(order.Id, row[..length])));
        }
        Assert.Throws<InvalidDataException>(() => FlashOrderRows.Decode(new IndexedItem(order.Id, [.. row, 0])));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData((byte)'[')]
    public void A_row_of_a_format_this_version_does_not_know_is_refused(byte format)
    {
        var row = FlashOrderRows.Format.Encode(Plain());
        row[0] = format;

        var refused = Assert.Throws<InvalidDataException>(() => FlashOrderRows.Decode(new IndexedItem(Plain().Id, row)));
        Assert.Contains(Plain().Id, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_naming_no_status_is_refused()
    {
        var order = Plain();
        var row = FlashOrderRows.Format.Encode(order);
        var paid = FlashOrderRows.Format.Encode(order with { Status = OrderStatus.Paid });
        row[Enumerable.Range(0, row.Length).Single(i => row[i] != paid[i])] = 99;

        Assert.Throws<InvalidDataException>(() => FlashOrderRows.Decode(new IndexedItem(order.Id, row)));
    }

    [Fact]
    public async Task A_sale_writes_its_order_rows_in_the_compact_form_and_loads_them_with_rows_of_the_older_one()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 4));
        var sale = await CreateSaleAsync(silo, "compact", quantity: 20, perUserLimit: 2);
        var keyed = (await sale.Purchase(Shopper("c1"), 2, "key-1")).Unwrap();
        var plain = (await sale.Purchase(Shopper("c2"), 1, null)).Unwrap();
        await silo.RestartAsync(CommerceSilo.Token);   // the journal rests in a snapshot, with both orders' rows

        var rows = await silo.Storage.ReadIndexAsync(FlashSaleLedger.OrderRows, "compact", CommerceSilo.Token);
        Assert.Equal([keyed.Id, plain.Id], rows.Select(r => r.ItemId).Order(StringComparer.Ordinal));
        Assert.All(rows, row => Assert.Equal(1, row.Payload[0]));

        // An older build's JSON row for the first order, paid since: the two forms load side by side.
        var paid = FlashOrderRows.Decode(rows.Single(r => r.ItemId == keyed.Id)) with { Status = OrderStatus.Paid };
        var ledger = new GrainId("flash-sale", "compact");
        var events = await silo.Storage.ReadEventsAsync("ledger", ledger, 0, CommerceSilo.Token);
        await silo.Storage.AppendAsync("ledger", ledger, events.Count == 0 ? 4 : events[^1].Version, [],
            [new IndexEntry(FlashSaleLedger.OrderRows, "compact", paid.Id, JsonSerializer.SerializeToUtf8Bytes(paid, OlderRows))], CommerceSilo.Token);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        var (snapshot, orders) = await AuditAsync(silo, "compact", [keyed, plain]);
        Assert.Equal([OrderStatus.Paid, OrderStatus.PendingPayment], orders.Select(o => o.Status));
        Assert.Equal((2, 1), (snapshot.Sold, snapshot.Reserved));
        Assert.Equal(keyed.Id, (await SaleIn(silo, "compact").Purchase(Shopper("c1"), 2, "key-1")).Unwrap().Id);
    }
}
