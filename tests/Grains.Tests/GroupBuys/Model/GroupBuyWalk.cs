using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// A seeded random walk over two small campaigns on SQLite: shoppers open, join, quick-join and pay (the gateway
/// failing now and then), the clock crosses pay-by times, deadlines and campaign ends, and the silo restarts. After
/// every step the grains are compared with <see cref="GroupBuyWorld"/>; every step is logged so a failure reproduces.
/// </summary>
internal sealed partial class GroupBuyWalk : IAsyncDisposable
{
    private const int Shoppers = 8;

    private readonly Random _random;
    private readonly FlakyGateway _gateway;
    private readonly TestCluster _silo;
    private readonly GroupBuyWorld _world;
    private readonly List<string> _log = [];

    private GroupBuyWalk(int seed, FlakyGateway gateway, TestCluster silo)
    {
        _random = new Random(seed);
        _gateway = gateway;
        _silo = silo;
        _world = new GroupBuyWorld(silo.Clock.GetUtcNow(), CommerceSilo.PaymentWindow);
    }

    public int Step { get; private set; }

    /// <summary>The steps so far and the model as it stands: what a failure report needs to reproduce.</summary>
    public string Report =>
        string.Join('\n', _log) + "\nModel:\n" + string.Join('\n', _world.Campaigns.Select(c => $"{c}\n  " + string.Join("\n  ", c.Teams)));

    private static CancellationToken Token => CommerceSilo.Token;

    private SimulatedPaymentGateway Charges => _gateway.Inner;

    public static async Task<GroupBuyWalk> StartAsync(int seed, TempDirectory folder)
    {
        var gateway = new FlakyGateway();
        var silo = await CommerceSilo.StartAsync(Store.Sqlite, folder,
            services: s => s.AddSingleton<IPaymentGateway>(sp => gateway.Attach(sp.GetRequiredService<SimulatedPaymentGateway>())));
        var walk = new GroupBuyWalk(seed, gateway, silo);
        // One campaign outlives the walk; the other starts late and ends in the middle of it.
        await walk.CreateCampaignAsync("gba", TimeSpan.Zero, teams: walk._random.Next(4, 8), TimeSpan.FromMinutes(walk._random.Next(240, 361)));
        await walk.CreateCampaignAsync("gbb", TimeSpan.FromMinutes(walk._random.Next(0, 20)), teams: walk._random.Next(2, 4), TimeSpan.FromMinutes(walk._random.Next(30, 91)));
        return walk;
    }

    public async Task RunAsync(int steps)
    {
        for (Step = 1; Step <= steps; Step++)
        {
            var touched = await RandomStepAsync();
            await CheckAsync(touched, full: Step % 10 == 0);
        }
        await FinishAsync();
    }

    /// <summary>A campaign of small teams and little stock, so seats run out, teams fail and units come back.</summary>
    private async Task CreateCampaignAsync(string id, TimeSpan startsIn, int teams, TimeSpan length)
    {
        var size = _random.Next(2, 5);
        var quantity = size * teams + _random.Next(0, size);
        var window = TimeSpan.FromMinutes(_random.Next(2, 17));
        var draft = Draft(_silo, size, quantity, window, length, startsIn);
        await _silo.StartCampaignAsync(size, quantity, window, length, startsIn, id);
        _world.Campaigns.Add(new ModelCampaign(id, draft));
        Log($"create {id}: size {size}, quantity {quantity}, window {window.TotalMinutes} min, {draft.StartsAt:HH:mm}–{draft.EndsAt:HH:mm}");
    }

    /// <summary>One random command; returns the teams it may have changed.</summary>
    private async Task<List<ModelTeam>> RandomStepAsync()
    {
        var roll = _random.Next(100);
        var campaign = _world.Campaigns[_random.Next(_world.Campaigns.Count)];
        var shopper = Shopper(_random.Next(1, Shoppers + 1));
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
        return forming.Count > 0 && _random.Next(5) > 0 ? forming[_random.Next(forming.Count)] : teams[_random.Next(teams.Count)];
    }

    private async Task<List<ModelTeam>> QuickJoinAsync(ModelCampaign campaign, Shopper shopper)
    {
        var refusal = campaign.AdmitRefusal(_world.Now, shopper.Id);
        var target = refusal is null ? campaign.QuickJoinTarget(_world.Now) : null;
        var result = await _silo.Campaign(campaign.Id).QuickJoin(shopper);
        Log($"quick-join {campaign.Id} {shopper.Id} → {Outcome(result)}");
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
        var result = await _silo.Campaign(campaign.Id).OpenTeam(shopper);
        Log($"open {campaign.Id} {shopper.Id} → {Outcome(result)}");
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
        var result = await _silo.Team(team.Id).Join(shopper);
        Log($"join {team.Id[..6]} {shopper.Id} → {Outcome(result)}");
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
        var order = pending.Count > 0 && _random.Next(5) > 0 ? pending[_random.Next(pending.Count)] : orders[_random.Next(orders.Count)];
        var payer = _random.Next(20) == 0 ? Shopper(_random.Next(1, Shoppers + 1)).Id : order.ShopperId;
        var fault = _random.Next(12) switch { 0 => ChargeFault.BeforeCharge, 1 => ChargeFault.AfterCharge, _ => ChargeFault.None };
        _gateway.NextCharge = fault;
        var result = await _silo.Team(order.Team.Id).Pay(order.Id, payer);
        _gateway.NextCharge = ChargeFault.None;
        Log($"pay {order} by {payer}{(fault == ChargeFault.None ? "" : $" ({fault})")} → {(result.IsSuccess ? result.Value!.Status : result.Error!.Code)}");
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

    private void Log(string line) => _log.Add($"#{Step} {_world.Now:HH:mm:ss} {line}");

    private static string Outcome(Result<TeamJoin> result) =>
        result.IsSuccess ? $"{result.Value!.Order.Id[..7]}…{result.Value.Order.Id[^2..]} in {result.Value.Team.Id[..6]}" : result.Error!.Code;

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();
}
