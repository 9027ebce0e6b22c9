using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Grains.Tests.FlashSales;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// Crashes in the middle of concurrent posts or entries. Whatever was acknowledged must be there afterwards;
/// what was cut off may be there or not, and if it is, it is an ordinary message, order or line the model takes
/// on. An order stored without its chain line is the member's to find again on the next entry.
/// </summary>
internal sealed partial class ChatWalk
{
    private async Task CrashDuringPostsAsync()
    {
        var group = Pick(_groups);
        var burst = ++_bursts;
        var members = group.Members.Keys.ToList();
        var plan = Enumerable.Range(0, Random.Next(2, 30)).Select(i => (Author: Pick(members), Text: $"c{burst}-{i}")).ToList();
        var grain = Silo.Group(group.Id);
        var now = Now;
        var results = await CrashAfterSomeAsync(plan.Select(p => (Func<Task<Result<ChatMessage>>>)(() => grain.Post(Person(p.Author), new MessageDraft(p.Text, null)))).ToList());
        var acknowledged = results.Where(r => r is { IsSuccess: true }).Select(r => r!.Value!).ToList();
        Note($"crash during {plan.Count} posts to {group.Id} after {acknowledged.Count} answers: {string.Join(", ", acknowledged.Select(m => $"{m.Text}→{m.Seq}"))}");

        var history = await Silo.Group(group.Id).AllMessagesAsync(group.LeaderId);
        Check(history.Count >= group.LastSeq && history.Take((int)group.LastSeq).SequenceEqual(group.Messages), $"{group.Id} lost history in the crash");
        foreach (var message in history.Skip((int)group.LastSeq))
        {
            // Cut off or acknowledged, a stored post is one of the burst's, at the next seq, as posted.
            Check(plan.Any(p => p.Author == message.AuthorId && p.Text == message.Text), $"{group.Id} holds {message}, which nobody posted");
            var expected = group.Next(message.AuthorId, message.Text, share: null, chainId: null, now);
            Check(message == expected, $"{group.Id} holds {message} after the crash, expected {expected}");
            group.Messages.Add(expected);
        }
        var burstTexts = history.Where(m => plan.Any(p => p.Text == m.Text)).Select(m => m.Text).ToList();
        Check(burstTexts.Distinct().Count() == burstTexts.Count, $"{group.Id} stored a post twice");
        Check(acknowledged.All(m => group.Messages.Contains(m)), $"{group.Id} lost an acknowledged post in the crash");
        await AuditAsync();
    }

    private async Task CrashDuringEntriesAsync()
    {
        var open = AllChains.Where(c => !c.Closed).ToList();
        if (open.Count == 0)
        {
            return;
        }
        var chain = Pick(open);
        var sale = chain.Sale;
        var members = chain.Group.Members.Keys.ToList();
        var plan = Enumerable.Range(0, Random.Next(2, 6)).Select(_ => (Shopper: Pick(members), Quantity: Random.Next(1, sale.Limit + 1))).ToList();
        var grain = Silo.Chain(chain.Id);
        var now = Now;
        // An order orphaned before the crash must be found again; one orphaned by it may follow a refusal of its member.
        var orphaned = members.Where(m => chain.Orphan(m) is not null).ToHashSet();
        var results = await CrashAfterSomeAsync(plan.Select(p => (Func<Task<Result<ChainEntered>>>)(() => grain.Enter(Person(p.Shopper), p.Quantity))).ToList());
        var answers = plan.Zip(results).ToList();
        Note($"crash during entries of {chain}: {string.Join("; ", answers.Select(a => $"{a.First.Shopper} ×{a.First.Quantity} → {(a.Second is { } r ? DescribeEntry(r) : "cut off")}"))}");

        // The sale's new orders first (acknowledged or cut off), each one the model allows, under the chain's key.
        var saleGrain = FlashSaleTestKit.SaleIn(Silo, sale.Id);
        while (await saleGrain.GetOrder(FlashSaleTestKit.OrderId(sale.Id, sale.Orders.Count + 1)) is { } stored)
        {
            var refusals = Refusals(chain, stored.ShopperId, stored.Quantity, now);
            Check(refusals.Count == 0 && chain.Orphan(stored.ShopperId) is null && plan.Contains((stored.ShopperId, stored.Quantity)),
                $"{stored.Id} ({stored.ShopperId} ×{stored.Quantity}) is stored though the model refuses it or nobody asked ({string.Join(", ", refusals)})");
            Place(chain, stored.ShopperId, stored.Quantity, now);
        }
        // Then the chain's new lines: each for an order the sale holds under the chain's key.
        var snapshot = (await Silo.Chain(chain.Id).Get())!;
        foreach (var line in snapshot.Entries.Skip(chain.Entries.Count))
        {
            var order = chain.Orphan(line.ShopperId);
            Check(order is not null && order.Id == line.OrderId, $"chain {chain} holds {line}, for no order of the sale under its key");
            var entry = chain.Take(order!, now);
            Check(line == entry, $"chain {chain} holds {line}, expected {entry}");
        }
        var orphans = members.Select(chain.Orphan).OfType<ModelOrder>().ToList();
        Note($"after the crash: {chain.Entries.Count} lines, orphaned orders {string.Join(", ", orphans)}");
        foreach (var (request, result) in answers.Where(a => a.Second is not null))
        {
            if (result!.Value is { } entered)
            {
                Check(chain.Entries.Contains(entered.Entry), $"chain {chain} lost the acknowledged line {entered.Entry}");
                continue;
            }
            var allowed = chain.Refusals(request.Shopper).Union(!orphaned.Contains(request.Shopper) ? sale.RefusalsOf(request.Shopper, request.Quantity, now) : []);
            Check(allowed.Contains(result.Error!.Code), $"{request} was refused {result.Error.Code}; the model allows only {string.Join(", ", allowed)}");
        }
        await AuditAsync();
    }

    /// <summary>
    /// The crash window the grains cannot be cut in by a test on SQLite: the chain's purchase made (as the chain makes
    /// it: its key, referred unless the leader buys) and the silo down before the line is stored. The member's next
    /// entry must find that order again, whatever the sale says by then.
    /// </summary>
    private async Task LoseLineAsync()
    {
        var open = AllChains.Where(c => !c.Closed).ToList();
        if (open.Count == 0)
        {
            return;
        }
        var chain = Pick(open);
        var shopper = Pick(chain.Group.Members.Keys.ToList());
        if (chain.Refusals(shopper).Count > 0 || chain.Orphan(shopper) is not null)
        {
            return;
        }
        var quantity = Random.Next(1, chain.Sale.Limit + 1);
        var referral = shopper == chain.Group.LeaderId ? null : new Referral(chain.Group.Id, chain.Group.LeaderId);
        var now = Now;
        var result = await FlashSaleTestKit.SaleIn(Silo, chain.Sale.Id).Purchase(Person(shopper), quantity, chain.Key, referral);
        await Silo.CrashAndRestartAsync(Token);
        await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        Note($"{chain}'s purchase for {shopper} ×{quantity} → {Describe(result)}, then a crash before its line");
        var refusals = chain.Sale.RefusalsOf(shopper, quantity, now);
        if (refusals.Count > 0)
        {
            Check(result.Error is { } error && refusals.Contains(error.Code), $"expected {string.Join(" or ", refusals)}, got {Describe(result)}");
            return;
        }
        var order = Place(chain, shopper, quantity, now);
        Check(result.Value?.Id == order.Id && result.Value.Referral == _referrals[order.Id], $"the purchase placed {Describe(result)}, expected {order}");
    }
}
