using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Tests.Walks;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// A seeded random walk over two small campaigns on SQLite: shoppers open, join, quick-join and pay (the gateway
/// failing now and then), the clock crosses pay-by times, deadlines and campaign ends, and the silo restarts. After
/// every step the grains are compared with <see cref="GroupBuyWorld"/>; every step is logged so a failure reproduces.
/// </summary>
internal sealed partial class GroupBuyWalk(int seed, Store store, PostgresFixture postgres) : ModelWalk(seed, store, postgres)
{
    private const int Shoppers = 8;

    private readonly FlakyGateway _gateway = new();
    private readonly GroupBuyWorld _world = new(CommerceSilo.PaymentWindow);

    /// <summary>The steps so far and the model as it stands: what a failure report needs to reproduce.</summary>
    public override string Report =>
        base.Report + "\nModel:\n" + string.Join('\n', _world.Campaigns.Select(c => $"{c}\n  " + string.Join("\n  ", c.Teams)));

    protected override DateTimeOffset Now => _world.Now;

    protected override string Timestamp => $"{Now:HH:mm:ss}";

    private SimulatedPaymentGateway Charges => _gateway.Inner;

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IPaymentGateway>(sp => _gateway.Attach(sp.GetRequiredService<SimulatedPaymentGateway>()));

    protected override async Task SetUpAsync()
    {
        _world.Now = Start;
        // One campaign outlives the walk; the other starts late and ends in the middle of it.
        await CreateCampaignAsync("gba", TimeSpan.Zero, teams: Random.Next(4, 8), TimeSpan.FromMinutes(Random.Next(240, 361)));
        await CreateCampaignAsync("gbb", TimeSpan.FromMinutes(Random.Next(0, 20)), teams: Random.Next(2, 4), TimeSpan.FromMinutes(Random.Next(30, 91)));
    }

    protected override async Task StepAsync()
    {
        var touched = await RandomStepAsync();
        await CheckAsync(touched, full: Step % 10 == 0);
    }

    /// <summary>A campaign of small teams and little stock, so seats run out, teams fail and units come back.</summary>
    private async Task CreateCampaignAsync(string id, TimeSpan startsIn, int teams, TimeSpan length)
    {
        var size = Random.Next(2, 5);
        var quantity = size * teams + Random.Next(0, size);
        var window = TimeSpan.FromMinutes(Random.Next(2, 17));
        var draft = Draft(Silo, size, quantity, window, length, startsIn);
        await Silo.StartCampaignAsync(size, quantity, window, length, startsIn, id);
        _world.Campaigns.Add(new ModelCampaign(id, draft));
        Note($"create {id}: size {size}, quantity {quantity}, window {window.TotalMinutes} min, {draft.StartsAt:HH:mm}–{draft.EndsAt:HH:mm}");
    }

    /// <summary>One random command; returns the teams it may have changed.</summary>
    private async Task<List<ModelTeam>> RandomStepAsync()
    {
        var roll = Random.Next(100);
        var campaign = Pick(_world.Campaigns);
        var shopper = Shopper(Random.Next(1, Shoppers + 1));
        var teams = _world.Teams.ToList();
        return roll switch
        {
            < 25 => await QuickJoinAsync(campaign, shopper),
            < 32 => await OpenTeamAsync(campaign, shopper),
            < 45 when teams.Count > 0 => await JoinAsync(PickTeam(teams), shopper),
            < 45 => await QuickJoinAsync(campaign, shopper),
            < 78 when teams.Count > 0 => await PayAsync(),
            < 78 => await OpenTeamAsync(campaign, shopper),
            < 92 => await AdvanceAsync(),
            < 96 => await BurstAsync(),
            < 98 => await DeactivateAsync(),
            _ => await RestartAsync(),
        };
    }

    /// <summary>Mostly a forming team; now and then a closed one, whose refusal is checked too.</summary>
    private ModelTeam PickTeam(List<ModelTeam> teams)
    {
        var forming = teams.FindAll(t => t.IsForming);
        return forming.Count > 0 && Random.Next(5) > 0 ? Pick(forming) : Pick(teams);
    }

    private async Task<List<ModelTeam>> QuickJoinAsync(ModelCampaign campaign, Shopper shopper)
    {
        var refusal = campaign.AdmitRefusal(_world.Now, shopper.Id);
        var target = refusal is null ? campaign.QuickJoinTarget(_world.Now) : null;
        var result = await Silo.Campaign(campaign.Id).QuickJoin(shopper);
        Note($"quick-join {campaign.Id} {shopper.Id} → {Outcome(result)}");
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            return [];
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        if (target is not null)
        {
            Assert.Equal(target.Id, result.Value!.Team.Id);
        }
        var team = target ?? _world.OpenTeam(campaign, result.Value!.Team.Id);
        return Seated(result.Value!, _world.TakeSeat(team, shopper.Id, leader: target is null));
    }

    private async Task<List<ModelTeam>> OpenTeamAsync(ModelCampaign campaign, Shopper shopper)
    {
        var refusal = campaign.AdmitRefusal(_world.Now, shopper.Id);
        var result = await Silo.Campaign(campaign.Id).OpenTeam(shopper);
        Note($"open {campaign.Id} {shopper.Id} → {Outcome(result)}");
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            return [];
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        var team = _world.OpenTeam(campaign, result.Value!.Team.Id);
        return Seated(result.Value!, _world.TakeSeat(team, shopper.Id, leader: true));
    }

    private async Task<List<ModelTeam>> JoinAsync(ModelTeam team, Shopper shopper)
    {
        var refusal = _world.JoinRefusal(team, shopper.Id);
        var result = await Silo.Team(team.Id).Join(shopper);
        Note($"join {team.Id[..6]} {shopper.Id} → {Outcome(result)}");
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            return [team];
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return Seated(result.Value!, _world.TakeSeat(team, shopper.Id, leader: false));
    }

    /// <summary>The answer to a seat taken is the order the model made and the team right after it.</summary>
    private List<ModelTeam> Seated(TeamJoin join, ModelOrder order)
    {
        var expected = new OrderSnapshot(order.Id, OrderKind.GroupBuy, order.Team.Id, Sku, 1, order.Amount, OrderStatus.PendingPayment, order.PayBy, _world.Now, order.ShopperId);
        Assert.Equal(expected, join.Order);
        CheckTeam(order.Team, join.Team, changed: true);
        return [order.Team];
    }

    private async Task<List<ModelTeam>> PayAsync()
    {
        var orders = _world.Orders.ToList();
        var pending = orders.FindAll(o => o.Status == OrderStatus.PendingPayment);
        var order = pending.Count > 0 && Random.Next(5) > 0 ? Pick(pending) : Pick(orders);
        var payer = Random.Next(20) == 0 ? Shopper(Random.Next(1, Shoppers + 1)).Id : order.ShopperId;
        var fault = Random.Next(12) switch { 0 => ChargeFault.BeforeCharge, 1 => ChargeFault.AfterCharge, _ => ChargeFault.None };
        _gateway.NextCharge = fault;
        var result = await Silo.Team(order.Team.Id).Pay(order.Id, payer);
        _gateway.NextCharge = ChargeFault.None;
        Note($"pay {order} by {payer}{(fault == ChargeFault.None ? "" : $" ({fault})")} → {(result.IsSuccess ? result.Value!.Status : result.Error!.Code)}");
        var refusal = payer != order.ShopperId ? ErrorCodes.NotFound
            : order.Status is OrderStatus.Cancelled or OrderStatus.Refunded ? ErrorCodes.OrderClosed
            : order.Status == OrderStatus.PendingPayment && fault != ChargeFault.None ? ErrorCodes.PaymentUnavailable
            : null;
        if (refusal is not null)
        {
            Assert.Equal(refusal, result.Error?.Code);
            order.Charged |= refusal == ErrorCodes.PaymentUnavailable && fault == ChargeFault.AfterCharge;
            return [order.Team];
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        if (order.Status == OrderStatus.PendingPayment)
        {
            _world.Paid(order);
        }
        Assert.Equal(order.Status, result.Value!.Status);
        return [order.Team];
    }

    private static string Outcome(Result<TeamJoin> result) =>
        result.IsSuccess ? $"{result.Value!.Order.Id[..7]}…{result.Value.Order.Id[^2..]} in {result.Value.Team.Id[..6]}" : result.Error!.Code;
}
