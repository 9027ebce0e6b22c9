namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>The walk's steps: the writes it draws, and the ways it retries, races and ages them.</summary>
internal sealed partial class IdempotencyWalk
{
    /// <summary>A purchase; a random one (no quantity given) names the group as its referrer half the time.</summary>
    private Write Purchase(string shopper, string? key = null, int? quantity = null)
    {
        var units = quantity ?? (_random.Next(20) == 0 ? 0 : _random.Next(1, 4));
        var group = quantity is null ? PickReferral() : null;
        var body = group is null ? $"{{\"quantity\":{units}}}" : $"{{\"quantity\":{units},\"groupId\":\"{group}\"}}";
        return new Write(shopper, WriteKind.Purchase, $"/api/flash-sales/{_sale}/purchases", body, key ?? PickKey(), units) { Group = group };
    }

    /// <summary>The walk's group half the time: the leader earns on a member's order placed through it.</summary>
    private string? PickReferral() => _random.Next(2) == 0 ? _group : null;

    private Write Restock(string? key = null, int? quantity = null)
    {
        var units = quantity ?? (_random.Next(6) == 0 ? 0 : _random.Next(1, 5));
        return new Write(Merchant, WriteKind.Restock, $"/api/products/{StockSku}/restock", $"{{\"quantity\":{units}}}", key ?? PickKey(), units);
    }

    /// <summary>A product from a small pool of skus, so some already exist; a negative stock is invalid.</summary>
    private Write CreateProduct()
    {
        var sku = $"p{_random.Next(5)}";
        var stock = _random.Next(8) == 0 ? -1 : 10;
        return new Write(Merchant, WriteKind.CreateProduct, "/api/products", $"{{\"sku\":\"{sku}\",\"name\":\"Tea\",\"price\":100,\"stock\":{stock}}}", PickKey(), stock, sku);
    }

    private Write Seat(string shopper)
    {
        var roll = _random.Next(3);
        var group = PickReferral();
        var body = group is null ? null : $"{{\"groupId\":\"{group}\"}}";
        if (roll == 0 && _shop.Teams.Count > 0)
        {
            var team = Pick(_shop.Teams);
            return new Write(shopper, WriteKind.JoinTeam, $"/api/teams/{team}/members", body, PickKey(), Target: team) { Group = group };
        }
        return roll == 1
            ? new Write(shopper, WriteKind.OpenTeam, $"/api/group-buys/{_groupBuy}/teams", body, PickKey()) { Group = group }
            : new Write(shopper, WriteKind.QuickJoin, $"/api/group-buys/{_groupBuy}/quick-join", body, PickKey()) { Group = group };
    }

    /// <summary>A message in the group (a blank one is invalid), or a shopper other than its leader joining or leaving it.</summary>
    private Write Chat(string shopper)
    {
        var messages = $"/api/groups/{_group}/messages";
        return _random.Next(10) switch
        {
            < 6 => new Write(shopper, WriteKind.PostMessage, messages, $"{{\"text\":\"hello {_random.Next(3)}\"}}", PickKey()),
            6 => new Write(shopper, WriteKind.PostMessage, messages, "{\"text\":\" \"}", PickKey()),
            _ when shopper == Shoppers[0] => Chat(Shoppers[1]),
            < 9 => new Write(shopper, WriteKind.JoinGroup, $"/api/groups/{_group}/members", null, PickKey()),
            _ => new Write(shopper, WriteKind.LeaveGroup, $"/api/groups/{_group}/members/me", null, PickKey()) { Method = HttpMethod.Delete },
        };
    }

    /// <summary>Mostly the caller's own order; sometimes another's, which is not found for this caller.</summary>
    private Write? Pay(string? key = null)
    {
        if (_shop.Orders.Count == 0)
        {
            return null;
        }
        var order = Pick(_shop.Orders.Values.ToList());
        var payer = _random.Next(5) == 0 ? PickShopper() : order.Owner;
        return new Write(payer, WriteKind.Pay, $"/api/orders/{order.Id}/pay", null, key ?? PickKey(), Target: order.Id);
    }

    private Task PayAsync() => Pay() is { } pay ? SendAsync(pay) : SendAsync(Purchase(PickShopper()));

    /// <summary>A write sent before, sent again as it was (its path sometimes spelled differently): a replay while its key lives, a fresh request after.</summary>
    private Task RetryEarlierAsync()
    {
        var keyed = _sent.Where(w => w.Key is not null).ToList();
        if (keyed.Count == 0)
        {
            return SendAsync(Purchase(PickShopper(), FreshKey()));
        }
        var earlier = Pick(keyed);
        return SendAsync(_random.Next(4) switch
        {
            0 => earlier with { SpelledPath = "/API" + earlier.Path["/api".Length..] },
            1 => earlier with { SpelledPath = earlier.Path + "/" },
            _ => earlier with { SpelledPath = null },
        });
    }

    /// <summary>An earlier key with another body: a conflict while it lives, changing nothing.</summary>
    private Task ReuseKeyForAnotherBodyAsync()
    {
        var reusable = _sent.Where(w => w.Key is not null
            && w.Kind is WriteKind.Purchase or WriteKind.Restock or WriteKind.EnterChain or WriteKind.CreateFlashSale or WriteKind.CreateGroupBuy).ToList();
        if (reusable.Count == 0)
        {
            return SendAsync(Restock(FreshKey()));
        }
        var earlier = Pick(reusable);
        var units = earlier.Quantity + _random.Next(1, 3);
        return SendAsync(earlier.Kind switch
        {
            WriteKind.Purchase => Purchase(earlier.Caller, earlier.Key, units),
            WriteKind.EnterChain => EnterChain(earlier.Caller, _shop.Chains[earlier.Target], earlier.Key, units),
            WriteKind.CreateFlashSale or WriteKind.CreateGroupBuy => CreateCampaign(earlier.Caller, earlier.Key, earlier.Quantity == 4 ? 7 : 4, earlier.Kind),
            _ => Restock(earlier.Key, units),
        });
    }

    /// <summary>The merchant takes new keys until its limit refuses one, then retries a live key, which still replays.</summary>
    private async Task FillKeysAsync()
    {
        for (var i = 0; i <= WalkServer.MaxKeysPerCaller; i++)
        {
            var write = Restock(FreshKey(), _random.Next(1, 3));
            var verdict = _keys.Judge(write, server.Now);
            await SendAsync(write);
            if (verdict is KeyVerdict.Full)
            {
                break;
            }
        }
        if (_sent.LastOrDefault(w => w.Caller == Merchant && w.Key is not null && _keys.Judge(w, server.Now) is KeyVerdict.Replay) is { } live)
        {
            await SendAsync(live);
        }
    }

    /// <summary>A refused write retried under its key: a <c>validation</c> refusal leaves the key free; a business refusal is the key's answer.</summary>
    private async Task RefuseThenCorrectAsync()
    {
        var key = FreshKey();
        var shopper = PickShopper();
        if (_random.Next(2) == 0)
        {
            await SendAsync(Purchase(shopper, key, 0));
            await SendAsync(Purchase(shopper, key, 1));
            return;
        }
        await SendAsync(Purchase(shopper, key, PerUserLimit + 1));
        await SendAsync(Purchase(shopper, key, PerUserLimit + 1));
    }

    private async Task AdvanceAsync(TimeSpan by)
    {
        server.Clock.Advance(by);
        Note($"clock +{by}");
        if (by >= TimeSpan.FromHours(1))
        {
            await server.SignInAgainAsync();
        }
        await CheckTotalsAsync();
    }

    /// <summary>A new server on the same database and clock; the keys acknowledged before must still replay.</summary>
    private async Task RestartAsync()
    {
        await server.RestartAsync();
        Note("restarted on the same database");
        await CheckTotalsAsync();
        var keyed = _sent.Where(w => w.Key is not null).ToList();
        for (var i = 0; i < Math.Min(3, keyed.Count); i++)
        {
            await SendAsync(Pick(keyed));
        }
    }
}
