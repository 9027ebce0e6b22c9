using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GroupBuy.Load.Client;
using GroupBuy.Load.Scenarios;

namespace GroupBuy.Load.Invariants;

/// <summary>
/// The spec's end-of-run checks, read back from the server through the public API: units sold + reserved never
/// above the quantity; no team over its seats; every acknowledged purchase has its order (read as its owner);
/// chat messages numbered 1, 2, 3… without gaps, every acknowledged one among them.
/// </summary>
public static class InvariantChecker
{
    private const int Concurrency = 16;

    public static async Task<IReadOnlyList<InvariantResult>> CheckAsync(LoadHttp http, Ledger ledger, CancellationToken cancellationToken)
    {
        var results = new List<InvariantResult>();
        var orders = await ReadOrdersAsync(http, ledger, cancellationToken);
        results.Add(OrdersExist(ledger, orders));
        foreach (var saleId in ledger.FlashSales.Keys.Order(StringComparer.Ordinal))
        {
            results.Add(await FlashSaleAsync(http, saleId, ledger, orders, cancellationToken));
        }
        foreach (var campaignId in ledger.GroupBuys.Keys.Order(StringComparer.Ordinal))
        {
            results.Add(await GroupBuyAsync(http, campaignId, cancellationToken));
        }
        if (!ledger.Teams.IsEmpty)
        {
            results.Add(await TeamsAsync(http, ledger, cancellationToken));
        }
        foreach (var (groupId, token) in ledger.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            results.Add(await ChatAsync(http, groupId, token, ledger, cancellationToken));
        }
        return results;
    }

    /// <summary>Each acknowledged order as its owner reads it now (null: not found).</summary>
    private static async Task<ConcurrentDictionary<string, JsonNode?>> ReadOrdersAsync(LoadHttp http, Ledger ledger, CancellationToken cancellationToken)
    {
        var read = new ConcurrentDictionary<string, JsonNode?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ledger.Orders, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (order, ct) =>
        {
            var answer = await Retry.UntilSettledAsync(c => http.GetAsync("check: order", $"/api/orders/{order.OrderId}", order.Token, c), TimeProvider.System, ct);
            read[order.OrderId] = answer.Ok ? answer.Body : null;
        });
        return read;
    }

    private static InvariantResult OrdersExist(Ledger ledger, ConcurrentDictionary<string, JsonNode?> orders)
    {
        var missing = orders.Where(o => o.Value is null || o.Value["id"]?.GetValue<string>() != o.Key).Select(o => o.Key).ToList();
        return new InvariantResult("every acknowledged purchase has its order", missing.Count == 0,
            missing.Count == 0
                ? $"{ledger.Orders.Count} acknowledged orders, each read back by its owner"
                : $"{missing.Count} of {ledger.Orders.Count} acknowledged orders are missing, e.g. {string.Join(", ", missing.Take(5))}");
    }

    private static async Task<InvariantResult> FlashSaleAsync(
        LoadHttp http, string saleId, Ledger ledger, ConcurrentDictionary<string, JsonNode?> orders, CancellationToken cancellationToken)
    {
        var name = $"flash sale {saleId}: sold + reserved ≤ quantity, every live order counted";
        var sale = await http.GetAsync("check: flash sale", $"/api/flash-sales/{saleId}", null, cancellationToken);
        if (!sale.Ok)
        {
            return new InvariantResult(name, false, $"GET answered {(int)sale.Status} {sale.Code}");
        }
        var (quantity, sold, reserved, remaining) = (sale.Number("quantity"), sale.Number("sold"), sale.Number("reserved"), sale.Number("remaining"));
        var live = ledger.Orders.Where(o => o.RefId == saleId)
            .Select(o => orders.GetValueOrDefault(o.OrderId))
            .Where(o => o?["status"]?.GetValue<string>() is not ("cancelled" or "refunded"))
            .Sum(o => o?["quantity"]?.GetValue<long>() ?? 1);
        var held = sold + reserved <= quantity && sold + reserved + remaining == quantity && live <= sold + reserved;
        return new InvariantResult(name, held,
            $"quantity {quantity}, sold {sold}, reserved {reserved}, remaining {remaining}; acknowledged and not cancelled {live}");
    }

    private static async Task<InvariantResult> GroupBuyAsync(LoadHttp http, string campaignId, CancellationToken cancellationToken)
    {
        var name = $"group buy {campaignId}: remaining within 0…quantity";
        var campaign = await http.GetAsync("check: group buy", $"/api/group-buys/{campaignId}", null, cancellationToken);
        if (!campaign.Ok)
        {
            return new InvariantResult(name, false, $"GET answered {(int)campaign.Status} {campaign.Code}");
        }
        var (quantity, remaining) = (campaign.Number("quantity"), campaign.Number("remaining"));
        return new InvariantResult(name, remaining >= 0 && remaining <= quantity, $"quantity {quantity}, remaining {remaining}");
    }

    private static async Task<InvariantResult> TeamsAsync(LoadHttp http, Ledger ledger, CancellationToken cancellationToken)
    {
        var over = new ConcurrentBag<string>();
        long seats = 0;
        await Parallel.ForEachAsync(ledger.Teams.Keys, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (teamId, ct) =>
        {
            var team = await Retry.UntilSettledAsync(c => http.GetAsync("check: team", $"/api/teams/{teamId}", null, c), TimeProvider.System, ct);
            if (!team.Ok)
            {
                over.Add($"{teamId} unreadable ({team.Code})");
                return;
            }
            var (size, joined, members) = (team.Number("size"), team.Number("joined"), (team.Body!["members"] as JsonArray)?.Count ?? 0);
            Interlocked.Add(ref seats, joined);
            if (joined > size || members > size || members != joined)
            {
                over.Add($"{teamId} has {joined} joined, {members} members for {size} seats");
            }
        });
        return new InvariantResult("no team over its seats", over.IsEmpty,
            over.IsEmpty ? $"{ledger.Teams.Count} teams, {seats} seats taken" : string.Join("; ", over.Take(5)));
    }

    private static async Task<InvariantResult> ChatAsync(LoadHttp http, string groupId, string token, Ledger ledger, CancellationToken cancellationToken)
    {
        var name = $"group {groupId}: messages numbered without gaps, every acknowledged one kept";
        var seqs = new List<long>();
        while (true)
        {
            var after = seqs.Count == 0 ? 0 : seqs[^1];
            var page = await Retry.UntilSettledAsync(
                c => http.GetAsync("check: messages", $"/api/groups/{groupId}/messages?afterSeq={after}&limit=200", token, c), TimeProvider.System, cancellationToken);
            if (!page.Ok || page.Body is not JsonArray messages)
            {
                return new InvariantResult(name, false, $"GET messages answered {(int)page.Status} {page.Code}");
            }
            seqs.AddRange(messages.Select(m => m!["seq"]!.GetValue<long>()));
            if (messages.Count < 200)
            {
                break;
            }
        }
        var gapless = seqs.Select((seq, i) => seq == i + 1).All(ok => ok);
        var kept = seqs.ToHashSet();
        var lost = ledger.Messages.Where(m => m.GroupId == groupId && !kept.Contains(m.Seq)).Select(m => m.Seq).ToList();
        return new InvariantResult(name, gapless && lost.Count == 0,
            $"{seqs.Count} messages{(gapless ? "" : ", with gaps")}; {lost.Count} acknowledged ones missing");
    }
}
