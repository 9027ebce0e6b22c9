using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats;

public sealed class ChainTests
{
    [Fact]
    public async Task Concurrent_entries_never_make_two_for_one_member_and_the_totals_are_exact()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var members = Enumerable.Range(0, 60).Select(i => $"m{i}").ToList();
        var group = await silo.StartGroupAsync(members);
        var sale = await silo.StartSaleAsync("peaches", quantity: 500);
        var started = (await group.StartChain(Person("leader"), ChainFor("peaches"))).Unwrap();
        var chain = silo.Chain(started.Chain.Id);

        // Every member tries three times at once, with quantities 1–3.
        var attempts = await Task.WhenAll(members.SelectMany(m => Enumerable.Range(0, 3).Select(_ => m)).Select(m => Task.Run(
            () => chain.Enter(Person(m), 1 + int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture) % 3), CommerceSilo.Token)));

        var entered = attempts.Where(a => a.IsSuccess).Select(a => a.Value!).ToList();
        Assert.Equal(members.Count, entered.Count);
        Assert.All(attempts.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.AlreadyMember, a.Error!.Code));
        var snapshot = (await chain.Get())!;
        Assert.Equal(Enumerable.Range(1, members.Count), snapshot.Entries.Select(e => e.No));
        Assert.Equal(members.Order(), snapshot.Entries.Select(e => e.ShopperId).Order());
        var orders = new List<OrderSnapshot>();
        for (var n = 1; await sale.GetOrder(OrderIds.ForFlashSale("peaches", n)) is { } order; n++)
        {
            orders.Add(order);
        }
        Assert.Equal(members.Count, orders.Count);
        Assert.Equal(orders.Sum(o => o.Quantity), snapshot.Totals.Quantity);
        Assert.Equal(orders.Sum(o => o.Amount), snapshot.Totals.Amount);
        Assert.Equal(members.Count, snapshot.Totals.Entries);
        Assert.Equal(orders.Select(o => o.Id).Order(), snapshot.Entries.Select(e => e.OrderId).Order());
        Assert.All(orders, o => Assert.Equal(new Referral(ChatKit.GroupId, "leader"), new Referral(o.Referral!.GroupId, o.Referral.LeaderId)));
        Assert.Equal(500 - orders.Sum(o => o.Quantity), (await sale.Get())!.Remaining);
    }

    [Fact]
    public async Task An_entry_retried_after_a_crash_between_purchase_and_line_finds_the_same_order()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var group = await silo.StartGroupAsync(["m1"]);
        var sale = await silo.StartSaleAsync("apples", quantity: 50);
        var started = (await group.StartChain(Person("leader"), ChainFor("apples"))).Unwrap();

        // What the chain's purchase does, as if the chain crashed right after it and never stored the line.
        var earlier = (await sale.Purchase(Person("m1"), 2, $"chain.{started.Chain.Id}", new Referral(ChatKit.GroupId, "leader"))).Unwrap();
        var retried = (await silo.Chain(started.Chain.Id).Enter(Person("m1"), 2)).Unwrap();

        Assert.Equal(earlier.Id, retried.Order.Id);
        Assert.Equal(earlier.Id, retried.Entry.OrderId);
        Assert.Null(await sale.GetOrder(OrderIds.ForFlashSale("apples", 2)));
        Assert.Equal(48, (await sale.Get())!.Remaining);
    }

    [Fact]
    public async Task Only_the_leader_starts_and_closes_and_a_closed_chain_takes_no_entry()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var group = await silo.StartGroupAsync(["m1", "m2"]);
        await silo.StartSaleAsync("pears", quantity: 10);

        var byMember = await group.StartChain(Person("m1"), ChainFor("pears"));
        var byOutsider = await group.StartChain(Person("outsider"), ChainFor("pears"));
        var noSale = await group.StartChain(Person("leader"), ChainFor("missing"));
        var started = (await group.StartChain(Person("leader"), ChainFor("pears"))).Unwrap();
        var chain = silo.Chain(started.Chain.Id);
        var outsiderEntry = await chain.Enter(Person("outsider"), 1);
        (await chain.Enter(Person("m1"), 1)).Unwrap();
        var memberCloses = await chain.Close("m1");
        var closed = (await chain.Close("leader")).Unwrap();
        var late = await chain.Enter(Person("m2"), 1);
        var messages = (await group.Messages("m2", 0, 10)).Unwrap();

        Assert.Equal(ErrorCodes.Forbidden, byMember.Error?.Code);
        Assert.Equal(ErrorCodes.NotMember, byOutsider.Error?.Code);
        Assert.Equal(ErrorCodes.NotFound, noSale.Error?.Code);
        Assert.Equal(ErrorCodes.NotMember, outsiderEntry.Error?.Code);
        Assert.Equal(ErrorCodes.Forbidden, memberCloses.Error?.Code);
        Assert.Equal(ChainStatus.Closed, closed.Status);
        Assert.Equal(ErrorCodes.Ended, late.Error?.Code);
        Assert.Equal(1, (await chain.Get())!.Totals.Entries);
        var announcement = Assert.Single(messages);
        Assert.Equal((started.Chain.Id, "Peaches for Saturday"), (announcement.ChainId, announcement.Text));
        Assert.Equal([started.Chain.Id], (await group.Chains("m2")).Unwrap());
    }
}
