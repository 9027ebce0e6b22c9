using System.Text.Json;
using GroupBuy.Grains.FlashSales;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleSnapshotTests
{
    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_ledger_loaded_from_a_snapshot_keeps_its_limits_keys_and_deadlines()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 3));
        var sale = await CreateSaleAsync(silo, "snap", quantity: 20, perUserLimit: 3);
        var paid = (await sale.Purchase(Shopper("u1"), 2, "k1")).Unwrap();
        (await sale.Pay(paid.Id, "u1")).Unwrap();
        var pending = (await sale.Purchase(Shopper("u1"), 1, "k2")).Unwrap();
        (await sale.Purchase(Shopper("u2"), 3, null)).Unwrap();

        await silo.RestartAsync(CommerceSilo.Token);
        Assert.NotNull(await silo.Storage.ReadSnapshotAsync("ledger", new GrainId("flash-sale", "snap"), CommerceSilo.Token));
        sale = SaleIn(silo, "snap");
        using var live = new LiveWatcher(silo, "snap");

        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("u1"), 1, "k3")).Error?.Code);
        Assert.Equal(pending.Id, (await sale.Purchase(Shopper("u1"), 1, "k2")).Unwrap().Id);
        Assert.Equal([OrderId("snap", 3)], await silo.ListedFor("u2"));
        Assert.Equal((2, 4), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await live.WaitFor(s => s.Reserved == 0);
        var (snapshot, orders) = await AuditAsync(silo, "snap", [paid, pending]);
        Assert.Equal([OrderStatus.Paid, OrderStatus.Cancelled, OrderStatus.Cancelled], orders.Select(o => o.Status));
        Assert.Equal(18, snapshot.Remaining);
    }

    [Fact]
    public async Task The_snapshot_holds_the_sale_not_its_orders_and_a_restart_rebuilds_every_order_from_its_row_at_the_same_version()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 4));
        var sale = await CreateSaleAsync(silo, "rows", quantity: 100, perUserLimit: 2);
        List<OrderSnapshot> acknowledged = [];
        for (var i = 0; i < 40; i++)
        {
            acknowledged.Add((await sale.Purchase(Shopper($"r{i % 20}"), 1, $"key-{i}")).Unwrap());
        }
        (await sale.Pay(acknowledged[0].Id, "r0")).Unwrap();
        var before = (await sale.Get())!;

        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        sale = SaleIn(silo, "rows");

        var stored = (await silo.Storage.ReadSnapshotAsync("ledger", new GrainId("flash-sale", "rows"), CommerceSilo.Token))!;
        Assert.DoesNotContain(OrderId("rows", 1), System.Text.Encoding.UTF8.GetString(stored.Payload), StringComparison.Ordinal);
        Assert.InRange(stored.Payload.Length, 1, 1_000);
        Assert.Equal((before.Version, before.Sold, before.Reserved), ((await sale.Get())!.Version, (await sale.Get())!.Sold, (await sale.Get())!.Reserved));
        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("r3"), 1, "new")).Error?.Code);
        Assert.Equal(acknowledged[7].Id, (await sale.Purchase(Shopper("r7"), 1, "key-7")).Unwrap().Id);
        Assert.Equal(OrderStatus.Paid, (await sale.GetOrder(acknowledged[0].Id))!.Status);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        var (after, orders) = await AuditAsync(silo, "rows", acknowledged);
        Assert.Equal((1, 0), (after.Sold, after.Reserved));
        Assert.Equal(39, orders.Count(o => o.Status == OrderStatus.Cancelled));
        Assert.True(after.Version > before.Version);
    }

    [Fact]
    public async Task Orders_changed_before_a_restart_keep_their_rows_when_a_later_activation_snapshots_over_their_events()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 10));
        var sale = await CreateSaleAsync(silo, "across", quantity: 20, perUserLimit: 2);
        List<OrderSnapshot> acknowledged = [(await sale.Purchase(Shopper("a1"), 1, null)).Unwrap(), (await sale.Purchase(Shopper("a2"), 2, null)).Unwrap()];
        (await sale.Pay(acknowledged[0].Id, "a1")).Unwrap();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);   // no snapshot yet: these orders live in events alone

        sale = SaleIn(silo, "across");
        for (var i = 3; i <= 6; i++)
        {
            acknowledged.Add((await sale.Purchase(Shopper($"a{i}"), 1, null)).Unwrap());   // past the interval: a snapshot drops the events
        }
        await silo.RestartAsync(CommerceSilo.Token);
        Assert.Equal(0, silo.Storage.JournalLength("ledger", new GrainId("flash-sale", "across")));

        var (snapshot, orders) = await AuditAsync(silo, "across", acknowledged);
        Assert.Equal([OrderStatus.Paid, .. Enumerable.Repeat(OrderStatus.PendingPayment, 5)], orders.Select(o => o.Status));
        Assert.Equal((1, 6), (snapshot.Sold, snapshot.Reserved));
    }

    [Fact]
    public async Task An_order_paid_after_the_snapshot_that_wrote_its_row_loads_paid_and_its_next_row_says_so()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 4));
        var sale = await CreateSaleAsync(silo, "later", quantity: 20, perUserLimit: 2);
        List<OrderSnapshot> acknowledged = [(await sale.Purchase(Shopper("l1"), 1, null)).Unwrap(), (await sale.Purchase(Shopper("l2"), 1, null)).Unwrap()];
        await silo.RestartAsync(CommerceSilo.Token);
        Assert.Equal(0, silo.Storage.JournalLength("ledger", new GrainId("flash-sale", "later")));   // both rows say pending

        (await SaleIn(silo, "later").Pay(acknowledged[0].Id, "l1")).Unwrap();
        var before = (await SaleIn(silo, "later").Get())!;
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        Assert.Equal(OrderStatus.Paid, (await SaleIn(silo, "later").GetOrder(acknowledged[0].Id))!.Status);
        Assert.Equal((before.Version, 1, 1), ((await SaleIn(silo, "later").Get())!.Version, (await SaleIn(silo, "later").Get())!.Sold, (await SaleIn(silo, "later").Get())!.Reserved));

        acknowledged.Add((await SaleIn(silo, "later").Purchase(Shopper("l3"), 1, null)).Unwrap());
        acknowledged.Add((await SaleIn(silo, "later").Purchase(Shopper("l4"), 1, null)).Unwrap());
        await silo.RestartAsync(CommerceSilo.Token);
        Assert.Equal(0, silo.Storage.JournalLength("ledger", new GrainId("flash-sale", "later")));
        var (_, orders) = await AuditAsync(silo, "later", acknowledged);
        Assert.Equal([OrderStatus.Paid, OrderStatus.PendingPayment, OrderStatus.PendingPayment, OrderStatus.PendingPayment], orders.Select(o => o.Status));
    }

    [Fact]
    public async Task Orders_placed_or_paid_while_a_snapshot_is_written_get_their_rows_with_the_next_one()
    {
        var gate = new SnapshotGate();
        await using var silo = await CommerceSilo.StartAsync(services: s =>
        {
            s.Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 4);
            gate.AddTo(s);
        });
        var sale = await CreateSaleAsync(silo, "held", quantity: 20, perUserLimit: 2);   // created and started: 2 events
        var held = gate.HoldNext();
        List<OrderSnapshot> acknowledged = [(await sale.Purchase(Shopper("h1"), 1, null)).Unwrap(), (await sale.Purchase(Shopper("h2"), 1, null)).Unwrap()];
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(30), CommerceSilo.Token);   // the snapshot of version 4: rows of orders 1 and 2

        acknowledged.Add((await sale.Purchase(Shopper("h3"), 1, null)).Unwrap());   // above the rows it took
        (await sale.Pay(acknowledged[0].Id, "h1")).Unwrap();                      // its row there says pending
        held.Release();
        acknowledged.Add((await sale.Purchase(Shopper("h4"), 1, null)).Unwrap());   // version 8: the next snapshot
        await silo.RestartAsync(CommerceSilo.Token);
        Assert.Equal(0, silo.Storage.JournalLength("ledger", new GrainId("flash-sale", "held")));   // every order loads from its row

        var (snapshot, orders) = await AuditAsync(silo, "held", acknowledged);
        Assert.Equal([OrderStatus.Paid, .. Enumerable.Repeat(OrderStatus.PendingPayment, 3)], orders.Select(o => o.Status));
        Assert.Equal((1, 3), (snapshot.Sold, snapshot.Reserved));
    }

    [Fact]
    public async Task Rows_an_older_build_wrote_with_every_event_load_the_same_as_rows_written_with_the_snapshot()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 4));
        var sale = await CreateSaleAsync(silo, "older", quantity: 20, perUserLimit: 2);
        var paid = (await sale.Purchase(Shopper("o1"), 1, null)).Unwrap();
        var pending = (await sale.Purchase(Shopper("o2"), 1, null)).Unwrap();
        await silo.RestartAsync(CommerceSilo.Token);   // the snapshot wrote both rows as pending
        (await SaleIn(silo, "older").Pay(paid.Id, "o1")).Unwrap();
        var before = (await SaleIn(silo, "older").Get())!;

        // An older build wrote an order's row with every event that changed it: this one is as new as the payment.
        var ledger = new GrainId("flash-sale", "older");
        var events = await silo.Storage.ReadEventsAsync("ledger", ledger, 0, CommerceSilo.Token);
        var row = new FlashOrder(paid.Id, 1, "o1", 1, paid.Amount, paid.CreatedAt, paid.PayBy, null) { Status = OrderStatus.Paid };
        await silo.Storage.AppendAsync("ledger", ledger, events[^1].Version, [],
            [new IndexEntry(FlashSaleLedger.OrderRows, "older", paid.Id, JsonSerializer.SerializeToUtf8Bytes(row, StoredJson))], CommerceSilo.Token);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        var (snapshot, orders) = await AuditAsync(silo, "older", [paid, pending]);
        Assert.Equal([OrderStatus.Paid, OrderStatus.PendingPayment], orders.Select(o => o.Status));
        Assert.Equal((before.Version, 1, 1), (snapshot.Version, snapshot.Sold, snapshot.Reserved));
        Assert.Equal(ErrorCodes.LimitExceeded, (await SaleIn(silo, "older").Purchase(Shopper("o1"), 2, null)).Error?.Code);
    }

    [Fact]
    public async Task A_snapshot_of_the_older_shape_with_its_orders_inside_loads_and_gives_those_orders_rows()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 2));
        var now = silo.Clock.GetUtcNow();
        var draft = new FlashSaleDraft("sku-old", Price, 10, now, now.AddHours(1), 2, "m1");
        var orders = new Dictionary<string, FlashOrder>
        {
            [OrderId("old", 1)] = new(OrderId("old", 1), 1, "u1", 2, 2 * Price, now, now + CommerceSilo.PaymentWindow, "k1"),
            [OrderId("old", 2)] = new(OrderId("old", 2), 2, "u2", 1, Price, now, now + CommerceSilo.PaymentWindow, null) { Status = OrderStatus.Paid },
        };
        var older = new { id = "old", sale = draft, version = 4, started = true, ended = false, orders };
        await silo.Storage.WriteSnapshotAsync("ledger", new GrainId("flash-sale", "old"), 4,
            JsonSerializer.SerializeToUtf8Bytes(older, StoredJson), CommerceSilo.Token);

        var sale = SaleIn(silo, "old");
        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("u1"), 1, null)).Error?.Code);
        Assert.Equal(OrderId("old", 3), (await sale.Purchase(Shopper("u3"), 1, null)).Unwrap().Id);
        (await sale.Purchase(Shopper("u4"), 1, null)).Unwrap();   // a second event: a snapshot of the new shape follows
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        var (snapshot, restored) = await AuditAsync(silo, "old", []);
        Assert.Equal([OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.PendingPayment, OrderStatus.PendingPayment], restored.Select(o => o.Status));
        Assert.Equal((1, 4), (snapshot.Sold, snapshot.Reserved));
        Assert.Equal(OrderId("old", 1), (await SaleIn(silo, "old").Purchase(Shopper("u1"), 2, "k1")).Unwrap().Id);
    }
}
