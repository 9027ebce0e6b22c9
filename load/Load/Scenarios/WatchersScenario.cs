using GroupBuy.Load.Client;

namespace GroupBuy.Load.Scenarios;

/// <summary>
/// Watchers: many hub connections (anonymous, as the public topics allow) spread over a few teams, connected on
/// the ramp; meanwhile shoppers join those teams at a steady rate, and every push's latency is measured against
/// the server's <c>serverTime</c>. Teams have 100 seats, so each takes up to 99 joins.
/// </summary>
public sealed class WatchersScenario : IScenario
{
    private const int TeamSize = 100;

    private string[] _teams = [];
    private Shopper[] _joiners = [];

    public string Name => "watchers";

    public async Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var topics = Math.Max(1, options.Topics);
        var joins = (int)Math.Min((TeamSize - 1) * topics, Math.Ceiling(options.Rate * options.Duration.TotalSeconds));
        var merchant = await context.Seeder.MerchantAsync(cancellationToken);
        var quantity = topics * TeamSize;
        var sku = await context.Seeder.ProductAsync(merchant, "watch-tea", quantity, cancellationToken);
        var campaign = await context.Seeder.GroupBuyAsync(merchant, sku, TeamSize, quantity, options.Duration + TimeSpan.FromHours(1), cancellationToken);
        var campaignId = campaign["id"]!.GetValue<string>();
        context.Ledger.GroupBuys[campaignId] = 0;
        var leaders = await context.Seeder.ShoppersAsync("lead", topics, cancellationToken);
        _teams = new string[topics];
        for (var t = 0; t < topics; t++)
        {
            var opened = await context.Http.PostAsync("seed: open team", $"/api/group-buys/{campaignId}/teams", leaders[t].Token, null, cancellationToken);
            if (!opened.Ok)
            {
                throw new InvalidOperationException($"seeding failed: opening a team answered {(int)opened.Status} {opened.Code}");
            }
            _teams[t] = opened.Body!["team"]!["id"]!.GetValue<string>();
            context.Ledger.Teams[_teams[t]] = 0;
            context.Ledger.Orders.Add(new AcknowledgedOrder(opened.Body["order"]!["id"]!.GetValue<string>(), campaignId, leaders[t].Token));
        }
        _joiners = await context.Seeder.ShoppersAsync("join", Math.Max(0, joins), cancellationToken);
    }

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var watching = Arrivals.RunAsync(context.Options.Watchers, context.Options.Ramp, context.Clock, async (i, ct) =>
        {
            var hub = await context.Hubs.ConnectAsync(null, ct);
            await hub.WatchAsync($"team:{_teams[i % _teams.Length]}", ct);
        }, context, cancellationToken);
        var changing = JoinAtRateAsync(context, cancellationToken);
        await Task.WhenAll(watching, changing);
    }

    /// <summary>Joins the teams in turn, <c>Rate</c> a second, each by a new shopper, until the joiners run out.</summary>
    private async Task JoinAtRateAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var started = context.Clock.GetTimestamp();
        var joins = new List<Task>(_joiners.Length);
        for (var k = 0; k < _joiners.Length && !cancellationToken.IsCancellationRequested; k++)
        {
            if (!await Pacing.WaitUntilAsync(context.Clock, started, Pacing.AtRate(k, context.Options.Rate), cancellationToken))
            {
                break;
            }
            var joiner = _joiners[k];
            var team = _teams[k % _teams.Length];
            joins.Add(JoinAsync(context, joiner, team, cancellationToken));
        }
        await Task.WhenAll(joins);
    }

    private static async Task JoinAsync(ScenarioContext context, Shopper joiner, string team, CancellationToken cancellationToken)
    {
        try
        {
            var joined = await context.Http.PostAsync("join team", $"/api/teams/{team}/members", joiner.Token, null, cancellationToken);
            if (joined.Ok)
            {
                context.Ledger.Orders.Add(new AcknowledgedOrder(joined.Body!["order"]!["id"]!.GetValue<string>(), team, joiner.Token));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
