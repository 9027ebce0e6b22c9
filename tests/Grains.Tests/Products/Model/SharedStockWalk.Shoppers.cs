using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Tests.GroupBuys.Model;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;
using SaleOrder = GroupBuy.Grains.Tests.FlashSales.ModelOrder;
using TeamOrder = GroupBuy.Grains.Tests.GroupBuys.Model.ModelOrder;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>What shoppers do: buy in a flash sale, open, join or quick-join a team, pay. Every answer is the model's.</summary>
internal sealed partial class SharedStockWalk
{
    /// <summary>Sales paid since their settlement was last forced: the product may not have their sold units yet.</summary>
    private readonly HashSet<string> _unsettled = [];

    private async Task PurchaseAsync()
    {
        // Mostly a live sale, so orders are still pending at its end; now and then one scheduled or just ended.
        var live = _sales.Where(s => s.Sale.StartsAt <= Now && Now < s.Sale.EndsAt).ToList();
        var open = live.Count > 0 && Random.Next(4) > 0 ? live : _sales.Where(s => Now < s.Sale.EndsAt + Grid * 4).ToList();
        if (open.Count == 0)
        {
            return;
        }
        var sale = Pick(open).Sale;
        var shopper = Shopper(Random.Next(1, Shoppers + 1));
        var quantity = Random.Next(1, sale.Limit + 2);
        var refusals = sale.RefusalsOf(shopper.Id, quantity, Now);
        var result = await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(sale.Id).Purchase(shopper, quantity, null);
        Note($"purchase {sale.Id} {shopper.Id} ×{quantity} → {(result.IsSuccess ? result.Value!.Id : result.Error!.Code)}");
        if (refusals.Count > 0)
        {
            Assert.True(result.Error is { } error && refusals.Contains(error.Code), $"expected {string.Join(" or ", refusals)}, got {result.Value?.Id}");
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        var order = sale.Place(shopper.Id, quantity, null, Now, CommerceSilo.PaymentWindow);
        Assert.Equal((order.Id, order.Quantity, order.PayBy, OrderStatus.PendingPayment), (result.Value!.Id, result.Value.Quantity, result.Value.PayBy, result.Value.Status));
    }

    /// <summary>A quick-join, an opened team or a join of a chosen team (now and then a closed one).</summary>
    private async Task TakeSeatAsync()
    {
        if (_world.Campaigns.Count == 0)
        {
            return;
        }
        var campaign = Pick(_world.Campaigns);
        var shopper = Shopper(Random.Next(1, Shoppers + 1));
        var teams = campaign.Teams.Where(t => t.IsForming || Random.Next(5) == 0).ToList();
        switch (Random.Next(3))
        {
            case 0 when teams.Count > 0:
                await JoinAsync(Pick(teams), shopper);
                break;
            case 1:
                await OpenOrQuickJoinAsync(campaign, shopper, quick: false);
                break;
            default:
                await OpenOrQuickJoinAsync(campaign, shopper, quick: true);
                break;
        }
    }

    private async Task OpenOrQuickJoinAsync(ModelCampaign campaign, Shopper shopper, bool quick)
    {
        var refusal = campaign.AdmitRefusal(Now, shopper.Id);
        var target = quick && refusal is null ? campaign.QuickJoinTarget(Now) : null;
        var grain = Silo.Campaign(campaign.Id);
        var result = quick ? await grain.QuickJoin(shopper) : await grain.OpenTeam(shopper);
        Note($"{(quick ? "quick-join" : "open")} {campaign.Id} {shopper.Id} → {Outcome(result)}");
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        if (target is not null)
        {
            Assert.Equal(target.Id, result.Value!.Team.Id);
        }
        var team = target ?? _world.OpenTeam(campaign, result.Value!.Team.Id);
        Seated(result.Value!, _world.TakeSeat(team, shopper.Id, leader: target is null));
    }

    private async Task JoinAsync(ModelTeam team, Shopper shopper)
    {
        var refusal = _world.JoinRefusal(team, shopper.Id);
        var result = await Silo.Team(team.Id).Join(shopper);
        Note($"join {team.Id[..6]} of {team.Campaign.Id} {shopper.Id} → {Outcome(result)}");
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        Seated(result.Value!, _world.TakeSeat(team, shopper.Id, leader: false));
    }

    private static void Seated(TeamJoin join, TeamOrder order)
    {
        Assert.Equal((order.Id, order.PayBy, OrderStatus.PendingPayment), (join.Order.Id, join.Order.PayBy, join.Order.Status));
        Assert.Equal((order.Team.Status, order.Team.Needed), (join.Team.Status, join.Team.Needed));
    }

    /// <summary>A sale's order or a team's, mostly pending ones; closed ones must be refused <c>order_closed</c>.</summary>
    private async Task PayAsync()
    {
        var saleOrders = _sales.SelectMany(s => s.Sale.Orders.Select(o => (s.Sale, Order: o))).ToList();
        var teamOrders = _world.Orders.ToList();
        if (saleOrders.Count + teamOrders.Count == 0)
        {
            return;
        }
        var pendingSales = saleOrders.FindAll(o => o.Order.Status == OrderStatus.PendingPayment);
        var pendingTeams = teamOrders.FindAll(o => o.Status == OrderStatus.PendingPayment);
        var fresh = Random.Next(5) > 0;
        if (Random.Next(2) == 0 ? saleOrders.Count > 0 : teamOrders.Count == 0)
        {
            var (sale, order) = fresh && pendingSales.Count > 0 ? Pick(pendingSales) : Pick(saleOrders);
            await PaySaleOrderAsync(sale.Id, order);
        }
        else
        {
            await PayTeamOrderAsync(fresh && pendingTeams.Count > 0 ? Pick(pendingTeams) : Pick(teamOrders));
        }
    }

    private async Task PaySaleOrderAsync(string saleId, SaleOrder order)
    {
        var result = await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(saleId).Pay(order.Id, order.ShopperId);
        Note($"pay {order} → {(result.IsSuccess ? result.Value!.Status : result.Error!.Code)}");
        if (order.Status == OrderStatus.Cancelled)
        {
            Assert.Equal(ErrorCodes.OrderClosed, result.Error?.Code);
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        Assert.Equal(OrderStatus.Paid, result.Value!.Status);
        order.Status = OrderStatus.Paid;
        // The sale tells the product off the payment's path, so its sold units may arrive later.
        _unsettled.Add(saleId);
    }

    private async Task PayTeamOrderAsync(TeamOrder order)
    {
        var result = await Silo.Team(order.Team.Id).Pay(order.Id, order.ShopperId);
        Note($"pay {order} → {(result.IsSuccess ? result.Value!.Status : result.Error!.Code)}");
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Refunded)
        {
            Assert.Equal(ErrorCodes.OrderClosed, result.Error?.Code);
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        if (order.Status == OrderStatus.PendingPayment)
        {
            _world.Paid(order);
        }
        Assert.Equal(order.Status, result.Value!.Status);
    }

    private static string Outcome(Result<TeamJoin> result) =>
        result.IsSuccess ? $"{result.Value!.Order.Id[..7]}…{result.Value.Order.Id[^2..]} in {result.Value.Team.Id[..6]}" : result.Error!.Code;
}
