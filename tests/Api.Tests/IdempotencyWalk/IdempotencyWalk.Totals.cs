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
                var expected = order.Statuses(now);
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
        await CheckCommissionsAsync(now);
        Note($"totals: sale sold {sold}, reserved {reserved}, remaining {remaining}; {StockSku} {_shop.StockAvailable}; {_shop.Orders.Count} orders, {_shop.Chains.Count} chains, {_shop.Campaigns.Count} campaigns");
    }

    /// <summary>
    /// The leader's commissions list exactly the referred orders, each at its amount and commission and in a status the
    /// order may have now, and the totals add them up by status; no one else earns anything.
    /// </summary>
    private async Task CheckCommissionsAsync(DateTimeOffset now)
    {
        var referred = _shop.Orders.Values.Where(o => o.Commission is not null).ToDictionary(o => o.Id);
        var read = await ReadAsync(ChainLeader, "/api/me/commissions");
        var rows = read["orders"]!.AsArray().Select(r => r!).ToList();
        Expect(rows.Count == referred.Count && rows.All(r => referred.ContainsKey(r["orderId"]!.GetValue<string>())),
            $"{ChainLeader}'s commissions list {string.Join(", ", rows.Select(r => r["orderId"]))}; the referred orders are {string.Join(", ", referred.Keys)}");
        foreach (var row in rows)
        {
            var order = referred[row["orderId"]!.GetValue<string>()];
            var status = row["status"]!.GetValue<string>();
            Expect(row["groupId"]!.GetValue<string>() == _group && row["kind"]!.GetValue<string>() == (order.FlashSale ? "flash_sale" : "group_buy")
                && row["quantity"]!.GetValue<int>() == order.Quantity && row["amount"]!.GetValue<long>() == order.Amount
                && row["commission"]!.GetValue<long>() == order.Commission && order.Statuses(now).Contains(status),
                $"commission row {row.ToJsonString()}; the model has {order.Quantity} for {order.Amount}, earning {order.Commission}, in {string.Join(" or ", order.Statuses(now))}");
        }
        long Sum(params string[] statuses) => rows.Where(r => statuses.Contains(r["status"]!.GetValue<string>())).Sum(r => r["commission"]!.GetValue<long>());
        var totals = read["totals"]!;
        Expect(totals["orders"]!.GetValue<int>() == referred.Count && totals["amount"]!.GetValue<long>() == referred.Values.Sum(o => o.Amount)
            && totals["commission"]!.GetValue<long>() == referred.Values.Sum(o => o.Commission!.Value)
            && totals["earned"]!.GetValue<long>() == Sum("paid", "confirmed") && totals["pending"]!.GetValue<long>() == Sum("pending_payment")
            && totals["void"]!.GetValue<long>() == Sum("cancelled", "refunded"),
            $"commission totals {totals.ToJsonString()} do not add up the rows {read["orders"]!.ToJsonString()}");
        foreach (var other in Shoppers.Skip(1).Append(Merchant))
        {
            var none = await ReadAsync(other, "/api/me/commissions");
            Expect(none["orders"]!.AsArray().Count == 0 && none["totals"]!["commission"]!.GetValue<long>() == 0, $"{other} leads no group, yet earns {none.ToJsonString()}");
        }
    }

    private async Task<JsonNode> ReadAsync(string caller, string path)
    {
        using var patience = Patience();
        using var response = await server.Client(caller).GetAsync(path, patience.Token);
        var answer = await Answer.ReadAsync(response);
        return answer.Status == 200 ? answer.Json : throw new WalkFailure($"GET {path} answered {answer}: {answer.Body}");
    }
}
