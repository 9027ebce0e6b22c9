using System.Text.Json.Nodes;
using GroupBuy.Load.Client;

namespace GroupBuy.Load.Scenarios;

/// <summary>
/// Group-buy fill (拼团): shoppers arrive on the ramp, look at the campaign, and either open a team (one in five),
/// join a nearly full team from its <c>openTeams</c> list (one in five; quick-join if it filled meanwhile) or quick-join
/// (the rest); then they pay and watch their team live until it forms (or their patience, a quarter of the run, is over).
/// </summary>
public sealed class GroupBuyScenario(int shoppers) : IScenario
{
    private Shopper[] _shoppers = [];
    private string _campaignId = "";

    public string Name => "group-buy";

    public async Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var quantity = Math.Max(10, shoppers * 2);
        var merchant = await context.Seeder.MerchantAsync(cancellationToken);
        var sku = await context.Seeder.ProductAsync(merchant, "team-tea", quantity, cancellationToken);
        var campaign = await context.Seeder.GroupBuyAsync(merchant, sku, context.Options.TeamSize, quantity, context.Options.Duration + TimeSpan.FromHours(1), cancellationToken);
        _campaignId = campaign["id"]!.GetValue<string>();
        context.Ledger.GroupBuys[_campaignId] = 0;
        _shoppers = await context.Seeder.ShoppersAsync("gb", shoppers, cancellationToken);
    }

    public Task RunAsync(ScenarioContext context, CancellationToken cancellationToken) =>
        Arrivals.RunAsync(_shoppers.Length, context.Options.Ramp, context.Clock, (i, ct) => ShopAsync(context, i, ct), context, cancellationToken);

    private async Task ShopAsync(ScenarioContext context, int index, CancellationToken cancellationToken)
    {
        var shopper = _shoppers[index];
        var watching = ScenarioContext.Within(index, context.Options.WatchPercent);
        var hub = watching ? await context.Hubs.ConnectAsync(shopper.Token, cancellationToken) : null;
        var campaign = await context.Http.GetAsync("view campaign", $"/api/group-buys/{_campaignId}", null, cancellationToken);
        var joined = await Retry.UntilSettledAsync(ct => JoinAsync(context, shopper, index, campaign, ct), context.Clock, cancellationToken);
        if (!joined.Ok)
        {
            return;
        }
        var order = joined.Body!["order"]!;
        var team = joined.Body["team"]!;
        var teamId = team["id"]!.GetValue<string>();
        var orderId = order["id"]!.GetValue<string>();
        context.Ledger.Teams[teamId] = 0;
        context.Ledger.Orders.Add(new AcknowledgedOrder(orderId, _campaignId, shopper.Token));

        var formed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (hub is not null)
        {
            hub.Pushed = push =>
            {
                if (push.Topic == $"team:{teamId}" && push.Status is "succeeded" or "failed")
                {
                    formed.TrySetResult();
                }
            };
            var snapshot = await hub.WatchAsync($"team:{teamId}", cancellationToken);
            if (snapshot?["status"]?.GetValue<string>() is "succeeded" or "failed")
            {
                formed.TrySetResult();
            }
        }
        if (ScenarioContext.Within(index, context.Options.PayPercent))
        {
            await Retry.UntilSettledAsync(ct => context.Http.PostAsync("pay", $"/api/orders/{orderId}/pay", shopper.Token, null, ct), context.Clock, cancellationToken);
        }
        if (hub is not null)
        {
            try
            {
                await formed.Task.WaitAsync(context.Options.Duration / 4, context.Clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Not formed within the shopper's patience: a real shopper puts the phone away too.
            }
        }
    }

    private Task<ApiResult> JoinAsync(ScenarioContext context, Shopper shopper, int index, ApiResult campaign, CancellationToken cancellationToken)
    {
        var openTeams = campaign.Body?["openTeams"] as JsonArray;
        return (index % 5) switch
        {
            0 => context.Http.PostAsync("open team", $"/api/group-buys/{_campaignId}/teams", shopper.Token, null, cancellationToken),
            1 when openTeams is [{ } first, ..] => JoinListedAsync(context, shopper, first["id"]!.GetValue<string>(), cancellationToken),
            _ => QuickJoinAsync(context, shopper, cancellationToken),
        };
    }

    /// <summary>
    /// Joins the team the campaign listed first; the list was read before the others arriving with this shopper filled
    /// it, so one who finds it full (or closed) does what the page offers next: quick-join.
    /// </summary>
    private async Task<ApiResult> JoinListedAsync(ScenarioContext context, Shopper shopper, string teamId, CancellationToken cancellationToken)
    {
        var joined = await context.Http.PostAsync("join team", $"/api/teams/{teamId}/members", shopper.Token, null, cancellationToken);
        return joined.Code is "team_full" or "team_closed" ? await QuickJoinAsync(context, shopper, cancellationToken) : joined;
    }

    private Task<ApiResult> QuickJoinAsync(ScenarioContext context, Shopper shopper, CancellationToken cancellationToken) =>
        context.Http.PostAsync("quick-join", $"/api/group-buys/{_campaignId}/quick-join", shopper.Token, null, cancellationToken);
}
