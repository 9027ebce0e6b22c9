using System.Text;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Orders;

/// <summary>
/// The rows that list orders store only what their key does not say (the order's time), and rows of the older, whole
/// shape read the same.
/// </summary>
public sealed class OrderListsTests
{
    private const string Sale = "4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e";
    private const string Team = "0b7d4c3a8e6f5d2c1b0a9f8e4f1c2a9e";

    [Fact]
    public async Task A_listed_order_is_stored_as_its_time_alone_in_a_few_bytes_and_read_back_whole_for_its_shopper_and_its_leader()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await silo.StartSaleAsync("figs", quantity: 10, commissionRate: 0.1m);
        var order = (await sale.Purchase(Person("m1"), 1, null, new Referral(GroupId, "leader"))).Unwrap();

        var index = silo.Services.GetRequiredService<IGrainIndex>();
        foreach (var (name, key) in new[] { (OrderIndexes.ByShopper, "m1"), (OrderIndexes.ByLeader, "leader") })
        {
            var row = Assert.Single(await index.ReadIndexAsync(name, key, CommerceSilo.Token));
            Assert.Equal(order.Id, row.ItemId);
            Assert.Equal(1, row.Payload[0]);                 // the compact form's version, not JSON's brace
            Assert.InRange(row.Payload.Length, 2, 13);       // and the time: at most ten bytes of ticks, one or two of offset
        }
        var lists = silo.Services.GetRequiredService<OrderLists>();
        var expected = new OrderRef(order.Id, OrderKind.FlashSale, order.RefId, order.CreatedAt);
        Assert.Equal([expected], await lists.OfShopperAsync("m1", CommerceSilo.Token));
        Assert.Equal([expected], await lists.ReferredByAsync("leader", CommerceSilo.Token));
    }

    [Fact]
    public async Task Rows_of_the_older_whole_shape_and_of_the_time_alone_list_alike_newest_first()
    {
        var storage = new MemoryGrainStorage();
        var earlier = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);
        var later = earlier.AddMinutes(5);
        IndexEntry Row(string orderId, string json) => new(OrderIndexes.ByShopper, "ann", orderId, Encoding.UTF8.GetBytes(json));
        await storage.WriteAsync("orders", new GrainId("test", "ann"), "{}"u8.ToArray(), 0,
        [
            Row($"fs.{Sale}.7", $"{{\"orderId\":\"fs.{Sale}.7\",\"kind\":0,\"ownerId\":\"{Sale}\",\"createdAt\":\"2026-11-20T09:30:00+00:00\"}}"),
            Row($"gb.{Team}.2", "{\"createdAt\":\"2026-11-20T09:35:00+00:00\"}"),
            Row($"gb.{Team}.1", $"{{\"orderId\":\"gb.{Team}.1\",\"kind\":1,\"ownerId\":\"{Team}\",\"createdAt\":\"2026-11-20T09:35:00+00:00\"}}"),
            Row($"fs.{Sale}.8", "{\"createdAt\":\"2026-11-20T09:30:00+00:00\"}"),
        ], CommerceSilo.Token);

        var orders = await new OrderLists(storage).OfShopperAsync("ann", CommerceSilo.Token);

        Assert.Equal(
        [
            new OrderRef($"gb.{Team}.2", OrderKind.GroupBuy, Team, later),
            new OrderRef($"gb.{Team}.1", OrderKind.GroupBuy, Team, later),
            new OrderRef($"fs.{Sale}.8", OrderKind.FlashSale, Sale, earlier),
            new OrderRef($"fs.{Sale}.7", OrderKind.FlashSale, Sale, earlier),
        ], orders);
    }

    [Theory]
    [InlineData("xx.4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e.1")]
    [InlineData("fs4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e.1")]
    [InlineData("fs.1")]
    public async Task A_row_whose_id_names_no_owner_is_refused_rather_than_listed_as_some_other_order(string orderId)
    {
        var storage = new MemoryGrainStorage();
        await storage.WriteAsync("orders", new GrainId("test", "ann"), "{}"u8.ToArray(), 0,
            [new IndexEntry(OrderIndexes.ByShopper, "ann", orderId, "{\"createdAt\":\"2026-11-20T09:30:00+00:00\"}"u8.ToArray())], CommerceSilo.Token);

        await Assert.ThrowsAsync<InvalidDataException>(() => new OrderLists(storage).OfShopperAsync("ann", CommerceSilo.Token));
    }

    [Fact]
    public async Task A_compact_row_lists_alongside_rows_of_json()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await silo.StartSaleAsync("plums", quantity: 10);
        var order = (await sale.Purchase(Person("ann"), 1, null)).Unwrap();
        await silo.Storage.WriteAsync("orders", new GrainId("test", "ann"), "{}"u8.ToArray(), 0,
            [new IndexEntry(OrderIndexes.ByShopper, "ann", $"fs.{Sale}.8", "{\"createdAt\":\"2026-10-20T09:30:00+00:00\"}"u8.ToArray())],
            CommerceSilo.Token);

        var orders = await silo.Services.GetRequiredService<OrderLists>().OfShopperAsync("ann", CommerceSilo.Token);

        Assert.Equal(
        [
            new OrderRef(order.Id, OrderKind.FlashSale, order.RefId, order.CreatedAt),
            new OrderRef($"fs.{Sale}.8", OrderKind.FlashSale, Sale, new DateTimeOffset(2026, 10, 20, 9, 30, 0, TimeSpan.Zero)),
        ], orders);
    }

    [Theory]
    [InlineData("01")]                     // no time
    [InlineData("0180")]                   // ticks that never end
    [InlineData("0100")]                   // ticks, no offset
    [InlineData("01000000")]               // a byte after the offset
    [InlineData("020000")]                 // a version this build does not know
    [InlineData("01feffffffffffffffff01")] // ticks out of range
    public async Task A_compact_row_cut_short_overlong_or_of_an_unknown_version_is_refused(string hex)
    {
        var storage = new MemoryGrainStorage();
        await storage.WriteAsync("orders", new GrainId("test", "ann"), "{}"u8.ToArray(), 0,
            [new IndexEntry(OrderIndexes.ByShopper, "ann", $"fs.{Sale}.1", Convert.FromHexString(hex))], CommerceSilo.Token);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => new OrderLists(storage).OfShopperAsync("ann", CommerceSilo.Token));
        Assert.Contains($"fs.{Sale}.1", refused.Message, StringComparison.Ordinal);
    }
}
