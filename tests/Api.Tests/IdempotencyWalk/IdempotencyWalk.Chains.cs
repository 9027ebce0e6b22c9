using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// Sign-up chains in the group, on the walk's flash sale: the leader starts and closes them, members enter them, and
/// each entry is a purchase from the sale; started by others, entered twice, entered by outsiders, entered closed.
/// </summary>
internal sealed partial class IdempotencyWalk
{
    private string ChainLeader => Shoppers[0];

    private Write StartChain(string? caller = null, string? key = null) =>
        new(caller ?? (_random.Next(5) == 0 ? PickShopper() : ChainLeader), WriteKind.StartChain, $"/api/groups/{_group}/chains",
            $"{{\"title\":\"Order {_random.Next(3)}\",\"flashSaleId\":\"{_sale}\",\"pickup\":{{\"place\":\"Gate\",\"at\":\"{_pickupAt}\"}}}}", key ?? PickKey());

    private Write EnterChain(string shopper, WalkChain chain, string? key = null, int? quantity = null)
    {
        var units = quantity ?? (_random.Next(15) == 0 ? 0 : _random.Next(1, 3));
        return new Write(shopper, WriteKind.EnterChain, $"/api/chains/{chain.Id}/entries", $"{{\"quantity\":{units}}}", key ?? PickKey(), units, chain.Id);
    }

    private Write CloseChain(WalkChain chain, string? caller = null, string? key = null) =>
        new(caller ?? (_random.Next(5) == 0 ? PickShopper() : ChainLeader), WriteKind.CloseChain, $"/api/chains/{chain.Id}/close", null, key ?? PickKey(), Target: chain.Id);

    /// <summary>Mostly an entry in an open chain; now and then a chain started, one closed, or an entry in a closed one.</summary>
    private Write AnyChainWrite(string shopper, string? key = null)
    {
        var roll = _random.Next(10);
        var open = _shop.Chains.Values.Where(c => !c.Closed).ToList();
        if (roll == 0 || open.Count == 0)
        {
            return StartChain(key: key);
        }
        var chains = roll == 1 ? _shop.Chains.Values.ToList() : open;
        return roll == 2 ? CloseChain(Pick(chains), key: key) : EnterChain(shopper, Pick(chains), key);
    }

    /// <summary>A chain write; an entry or a close is sometimes sent again at once under its key, and then the chain must read as before.</summary>
    private async Task ChainStepAsync()
    {
        var write = AnyChainWrite(PickShopper());
        await SendAsync(write);
        if (write.Kind != WriteKind.StartChain && _random.Next(2) == 0)
        {
            await SendAsync(write);
            await CheckChainAsync(_shop.Chains[write.Target]);
        }
    }

    private void RanChain(Write write, Answer answer, DateTimeOffset now)
    {
        var member = _shop.GroupMembers.Contains(write.Caller);
        var chain = write.Kind == WriteKind.StartChain ? null : _shop.Chains[write.Target];
        switch (write.Kind)
        {
            case WriteKind.EnterChain when write.Quantity < 1:
                ExpectCode(write, answer, 400, "validation");
                break;
            case var _ when !member:
                ExpectCode(write, answer, 403, "not_member");
                break;
            case WriteKind.StartChain or WriteKind.CloseChain when write.Caller != ChainLeader:
                ExpectCode(write, answer, 403, "forbidden");
                break;
            case WriteKind.StartChain:
                ExpectCode(write, answer, 201, null);
                var id = answer.Json["id"]!.GetValue<string>();
                Expect(!_shop.Chains.ContainsKey(id) && answer.Json["status"]!.GetValue<string>() == "open" && answer.Location == $"/api/chains/{id}",
                    $"{write}: a new open chain expected, got {answer} {answer.Body}");
                _shop.Chains[id] = new WalkChain(id);
                // The chain is announced in the group by a message.
                _shop.Messages++;
                break;
            case WriteKind.CloseChain:
                ExpectCode(write, answer, 200, null);
                chain!.Closed = true;
                ExpectChain(chain, answer.Json, $"{write}");
                break;
            default:
                RanChainEntry(write, answer, chain!, now);
                break;
        }
    }

    private void RanChainEntry(Write write, Answer answer, WalkChain chain, DateTimeOffset now)
    {
        if (chain.Closed)
        {
            ExpectCode(write, answer, 409, "ended");
            return;
        }
        if (chain.Entries.Any(e => e.Owner == write.Caller))
        {
            ExpectCode(write, answer, 409, "already_member");
            return;
        }
        var (status, code) = _shop.Purchase(write.Caller, write.Quantity, now);
        ExpectCode(write, answer, status, code);
        if (status != 201)
        {
            return;
        }
        var order = answer.Json["order"]!;
        var id = order["id"]!.GetValue<string>();
        var payBy = order["payBy"]!.GetValue<DateTimeOffset>();
        Expect(!_shop.Orders.ContainsKey(id) && order["quantity"]!.GetValue<int>() == write.Quantity && order["amount"]!.GetValue<long>() == write.Quantity * SalePrice
            && answer.Json["entry"]!["no"]!.GetValue<int>() == chain.Entries.Count + 1 && payBy == now + PaymentWindow && answer.Location == $"/api/orders/{id}",
            $"{write}: entry {chain.Entries.Count + 1}, a new order of {write.Quantity}, expected; got {answer} {answer.Body}");
        // The chain buys under the key chain.{id}, not the caller's, and through the group: its leader earns on others' entries.
        var amount = write.Quantity * SalePrice;
        var placed = new WalkOrder(id, write.Caller, flashSale: true, write.Quantity, payBy, $"chain.{chain.Id}")
        {
            Amount = amount,
            Commission = CommissionOn(_group, write.Caller, amount, SaleCommissionRate),
        };
        _shop.Orders[id] = placed;
        chain.Entries.Add(placed);
    }

    private async Task CheckChainAsync(WalkChain chain) =>
        ExpectChain(chain, await ReadAsync(ChainLeader, $"/api/chains/{chain.Id}"), $"chain {chain.Id}");

    /// <summary>A chain's status, its lines and its totals are those of the entries acknowledged.</summary>
    private void ExpectChain(WalkChain chain, JsonNode read, string what)
    {
        var totals = read["totals"]!;
        var lines = read["entries"]!.AsArray().Select(e => e!["quantity"]!.GetValue<int>()).ToList();
        Expect(read["status"]!.GetValue<string>() == (chain.Closed ? "closed" : "open")
            && lines.SequenceEqual(chain.Entries.Select(e => e.Quantity))
            && totals["entries"]!.GetValue<int>() == chain.Entries.Count
            && totals["quantity"]!.GetValue<int>() == chain.Entries.Sum(e => e.Quantity)
            && totals["amount"]!.GetValue<long>() == chain.Entries.Sum(e => e.Quantity) * SalePrice,
            $"{what} reads {read.ToJsonString()}; the model has {(chain.Closed ? "closed" : "open")} with lines {string.Join(", ", chain.Entries.Select(e => e.Quantity))}");
    }
}
