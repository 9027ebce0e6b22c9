using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>Campaigns, shoppers and event-driven waits for the group-buy tests.</summary>
internal static class GroupBuyKit
{
    public const string Sku = "tea";
    public const int Stock = 2_000;
    public const long Price = 800;
    public const long LeaderPrice = 500;

    public static Shopper Shopper(int n) => new($"u{n}", $"shopper {n}");

    public static string NameOf(string shopperId) => $"shopper {shopperId[1..]}";

    /// <summary>A reference from the running silo (references do not outlive a restart of the test silo).</summary>
    public static IGroupBuyGrain Campaign(this TestCluster silo, string id = "gb1") => silo.GrainFactory.GetGrain<IGroupBuyGrain>(id);

    public static IProductGrain Product(this TestCluster silo) => silo.GrainFactory.GetGrain<IProductGrain>(Sku);

    public static ITeamGrain Team(this TestCluster silo, string teamId) => silo.GrainFactory.GetGrain<ITeamGrain>(teamId);

    public static Task<List<string>> OrdersOf(this TestCluster silo, Shopper shopper) => silo.ListedFor(shopper.Id);

    /// <summary>Creates the product (once) and a live campaign on it, starting now unless told otherwise.</summary>
    public static async Task<IGroupBuyGrain> StartCampaignAsync(this TestCluster silo, int teamSize, int quantity,
        TimeSpan? teamWindow = null, TimeSpan? length = null, TimeSpan? startsIn = null, string id = "gb1")
    {
        if (await silo.Product().Get() is null)
        {
            (await silo.Product().Create(new ProductDraft(Sku, "Oolong tea", 1_000, Stock, "m1"))).Unwrap();
        }
        var campaign = silo.GrainFactory.GetGrain<IGroupBuyGrain>(id);
        (await campaign.Create(Draft(silo, teamSize, quantity, teamWindow, length, startsIn))).Unwrap();
        return campaign;
    }

    public static GroupBuyDraft Draft(TestCluster silo, int teamSize, int quantity, TimeSpan? teamWindow = null, TimeSpan? length = null, TimeSpan? startsIn = null)
    {
        var startsAt = silo.Clock.GetUtcNow() + (startsIn ?? TimeSpan.Zero);
        var window = (int)(teamWindow ?? TimeSpan.FromMinutes(30)).TotalSeconds;
        return new GroupBuyDraft(Sku, Price, LeaderPrice, 1_000, teamSize, window, quantity, startsAt, startsAt + (length ?? TimeSpan.FromHours(2)), "m1");
    }

    /// <summary>Opens a team and joins shoppers to it; returns every seat's join in seat order.</summary>
    public static async Task<List<TeamJoin>> FormAsync(this IGroupBuyGrain campaign, TestCluster silo, params int[] shoppers)
    {
        List<TeamJoin> joins = [(await campaign.OpenTeam(Shopper(shoppers[0]))).Unwrap()];
        foreach (var n in shoppers[1..])
        {
            joins.Add((await silo.Team(joins[0].Team.Id).Join(Shopper(n))).Unwrap());
        }
        return joins;
    }

    public static async Task<OrderSnapshot> PayAsync(this TestCluster silo, TeamJoin join) =>
        (await silo.Team(join.Team.Id).Pay(join.Order.Id, join.Order.ShopperId)).Unwrap();

    /// <summary>
    /// Reads the team until it meets the condition, waiting for its next live event in between (a read queues
    /// behind the team's turn in progress, so what it returns is complete). Bounded, never a sleep.
    /// </summary>
    public static async Task<TeamSnapshot> TeamWhenAsync(this TestCluster silo, string teamId, Func<TeamSnapshot, bool> condition)
    {
        using var changed = new SemaphoreSlim(0);
        using var subscription = silo.Services.GetRequiredService<ILiveTopics>().Subscribe($"team:{teamId}", (_, _) => changed.Release());
        while (true)
        {
            var team = await silo.Team(teamId).Get();
            if (team is not null && condition(team))
            {
                return team;
            }
            if (!await changed.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token))
            {
                throw new TimeoutException($"Team {teamId} did not reach the expected state; last seen: {team}");
            }
        }
    }
}
