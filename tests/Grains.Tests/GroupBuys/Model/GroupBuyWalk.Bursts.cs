using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// Commands at once: joins and payments on existing teams, with at most one command that may open a team (so the
/// model knows the new team's place in the campaign). Which ones win depends on the interleaving, so the model takes
/// the winners from the answers, checks every refusal is one the race allows, and then checks the grains against it.
/// </summary>
internal sealed partial class GroupBuyWalk
{
    private static readonly string[] JoinRaceRefusals = [ErrorCodes.TeamFull, ErrorCodes.TeamClosed, ErrorCodes.AlreadyMember, ErrorCodes.SoldOut];

    private async Task<List<ModelTeam>> BurstAsync()
    {
        var campaign = Pick(_world.Campaigns);
        var forming = _world.Teams.Where(t => t.IsForming && t.ExpiresAt > _world.Now).ToList();
        var pending = _world.Orders.Where(o => o.Status == OrderStatus.PendingPayment).OrderBy(_ => Random.Next()).Take(2).ToList();
        List<(string Label, ModelTeam? Team, Task<Result<TeamJoin>> Join)> joins = [];
        var opener = Shopper(Random.Next(1, Shoppers + 1));
        joins.Add(Random.Next(2) == 0
            ? ($"quick-join {campaign.Id} {opener.Id}", null, Task.Run(() => Silo.Campaign(campaign.Id).QuickJoin(opener), Token))
            : ($"open {campaign.Id} {opener.Id}", null, Task.Run(() => Silo.Campaign(campaign.Id).OpenTeam(opener), Token)));
        for (var i = Random.Next(1, 4); i > 0 && forming.Count > 0; i--)
        {
            var (team, shopper) = (Pick(forming), Shopper(Random.Next(1, Shoppers + 1)));
            joins.Add(($"join {team.Id[..6]} {shopper.Id}", team, Task.Run(() => Silo.Team(team.Id).Join(shopper), Token)));
        }
        var pays = pending.Select(o => (Order: o, Pay: Task.Run(() => Silo.Team(o.Team.Id).Pay(o.Id, o.ShopperId), Token))).ToList();
        await Task.WhenAll(joins.Select(j => (Task)j.Join).Concat(pays.Select(p => p.Pay)));

        Note($"burst: {string.Join("; ", joins.Select(j => $"{j.Label} → {Outcome(j.Join.Result)}").Concat(pays.Select(p => $"pay {p.Order} → {Outcome(p.Pay.Result)}")))}");
        List<ModelTeam> touched = [];
        // Seats in the order the teams took them (their order numbers), then the payments, which only a full team completes.
        foreach (var (label, team, join) in joins.OrderBy(j => j.Join.Result.Value is { } v ? SequenceOf(v.Order.Id) : 0))
        {
            var result = join.Result;
            if (!result.IsSuccess)
            {
                Assert.Contains(result.Error!.Code, team is null ? [.. JoinRaceRefusals, ErrorCodes.NotStarted, ErrorCodes.Ended] : JoinRaceRefusals);
                continue;
            }
            var seated = team ?? campaign.Teams.Find(t => t.Id == result.Value!.Team.Id) ?? _world.OpenTeam(campaign, result.Value!.Team.Id);
            var order = _world.TakeSeat(seated, result.Value!.Order.ShopperId, leader: seated.Orders.Count == 0);
            Assert.Equal((order.Id, order.PayBy, order.Amount), (result.Value.Order.Id, result.Value.Order.PayBy, result.Value.Order.Amount));
            touched.Add(seated);
        }
        foreach (var (order, pay) in pays)
        {
            Assert.True(pay.Result.IsSuccess, pay.Result.Error?.Detail);
            Assert.Contains(pay.Result.Value!.Status, (OrderStatus[])[OrderStatus.Paid, OrderStatus.Confirmed]);
            _world.Paid(order);
            touched.Add(order.Team);
        }
        foreach (var team in touched.Distinct())
        {
            // The versions seen in the answers may have come from any point of the race: start from the stored team.
            CheckTeam(team, await Silo.Team(team.Id).Get(), changed: false);
        }
        return touched;
    }

    private static long SequenceOf(string orderId) => long.Parse(orderId[(orderId.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static string Outcome(Result<OrderSnapshot> result) => result.IsSuccess ? result.Value!.Status.ToString() : result.Error!.Code;
}
