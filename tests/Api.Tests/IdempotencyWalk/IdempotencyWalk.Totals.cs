using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>The totals read back over HTTP against the shop model.</summary>
internal sealed partial class IdempotencyWalk
{
    /// <summary>The sale's units add up and match the model; the products' stock; every shopper's orders are exactly those acknowledged; the group and its chains.</summary>
    private async Task CheckTotalsAsync()
    {
        var now = server.Now;
        var sale = await ReadAsync(Merchant, $"/api/flash-sales/{_sale}");
        var (sold, reserved, remaining) = (sale["sold"]!.GetValue<int>(), sale["reserved"]!.GetValue<int>(), sale["remaining"]!.GetValue<int>());
        var (least, most) = _shop.Reserved(now);
        Expect(sold + reserved + remaining == SaleQuantity && sold == _shop.Sold && reserved >= least && reserved <= most,
            $"sale reads sold {sold}, reserved {reserved}, remaining {remaining}; the model has {_shop.Sold} sold and {least}–{most} reserved of {SaleQuantity}");
        var product = await ReadAsync(Merchant, $"/api/products/{StockSku}");
        Expect(product["stock"]!["available"]!.GetValue<int>() == _shop.StockAvailable, $"{StockSku} reads {product["stock"]}, the model has {_shop.StockAvailable} available");
        foreach (var shopper in Shoppers)
        {
            var listed = (await ReadAsync(shopper, "/api/me/orders")).AsArray().ToDictionary(o => o!["id"]!.GetValue<string>(), o => o!["status"]!.GetValue<string>());
            var acknowledged = _shop.Orders.Values.Where(o => o.Owner == shopper).ToList();
            Expect(listed.Count == acknowledged.Count && acknowledged.All(o => listed.ContainsKey(o.Id)),
                $"{shopper} lists orders {string.Join(", ", listed.Keys)}; acknowledged were {string.Join(", ", acknowledged.Select(o => o.Id))}");
            foreach (var order in acknowledged.Where(o => o.FlashSale))
            {
                var expected = order.Paid ? ["paid"] : now < order.PayBy ? ["pending_payment"] : new[] { "pending_payment", "cancelled" };
                Expect(expected.Contains(listed[order.Id]), $"{shopper}'s order {order.Id} reads {listed[order.Id]}, expected {string.Join(" or ", expected)}");
            }
        }
        var group = await ReadAsync(Shoppers[0], $"/api/groups/{_group}");
        Expect(group["lastSeq"]!.GetValue<long>() == _shop.Messages && group["memberCount"]!.GetValue<int>() == _shop.GroupMembers.Count,
            $"group reads {group.ToJsonString()}; the model has {_shop.Messages} messages and {_shop.GroupMembers.Count} members");
        foreach (var team in _shop.Teams)
        {
            var read = await ReadAsync(Merchant, $"/api/teams/{team}");
            Expect(read["joined"]!.GetValue<int>() <= read["size"]!.GetValue<int>(), $"team {team} is over-filled: {read.ToJsonString()}");
        }
        foreach (var chain in _shop.Chains.Values)
        {
            await CheckChainAsync(chain);
        }
        await CheckStockAsync();
        Note($"totals: sale sold {sold}, reserved {reserved}, remaining {remaining}; {StockSku} {_shop.StockAvailable}; {_shop.Orders.Count} orders, {_shop.Chains.Count} chains, {_shop.Campaigns.Count} campaigns");
    }

    private async Task<JsonNode> ReadAsync(string caller, string path)
    {
        using var patience = Patience();
        using var response = await server.Client(caller).GetAsync(path, patience.Token);
        var answer = await Answer.ReadAsync(response);
        return answer.Status == 200 ? answer.Json : throw new WalkFailure($"GET {path} answered {answer}: {answer.Body}");
    }
}
