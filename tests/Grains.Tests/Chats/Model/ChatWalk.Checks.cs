using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Tests.FlashSales;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>Comparing the grains with the model: cheaply after every step, everything every few steps and after restarts.</summary>
internal sealed partial class ChatWalk
{
    /// <summary>Each group as its leader sees it, a random window of its history read by a random member, and every chain.</summary>
    private async Task CheckAsync()
    {
        foreach (var group in _groups)
        {
            CheckGroup(group, (await Silo.Group(group.Id).View(group.LeaderId)).Unwrap());
            var reader = Pick(group.Members.Keys.ToList());
            var afterSeq = Random.Next(0, (int)group.LastSeq + 2);
            var limit = Random.Next(1, 201);
            CheckMessages(group, afterSeq, limit, await Silo.Group(group.Id).Messages(reader, afterSeq, limit));
        }
        foreach (var chain in AllChains)
        {
            CheckChain(chain, (await Silo.Chain(chain.Id).Get())!);
        }
    }

    /// <summary>
    /// Everything: whole histories paged with a random page size, members, chain lists, the sales' totals, every order
    /// of an entry (status and referral), each leader's referred orders, and that outsiders and a missing group are refused.
    /// </summary>
    private async Task AuditAsync()
    {
        await CheckAsync();
        foreach (var group in _groups)
        {
            var grain = Silo.Group(group.Id);
            var history = await grain.AllMessagesAsync(group.LeaderId, pageSize: Random.Next(1, 201));
            Check(history.SequenceEqual(group.Messages), $"{group.Id}: history of {history.Count} differs from the model's {group.LastSeq} at seq "
                + $"{history.Zip(group.Messages).FirstOrDefault(p => p.First != p.Second).First?.Seq ?? Math.Min(history.Count, group.Messages.Count) + 1}");
            var members = (await grain.Members(group.LeaderId)).Unwrap();
            Check(members.Count > 0 && members[0].UserId == group.LeaderId && members[0].IsLeader, $"{group.Id}: the leader is not listed first");
            Check(members.Select(m => (m.UserId, m.Name, m.IsLeader, m.JoinedAt)).Order().SequenceEqual(
                group.Members.Select(m => (m.Key, Person(m.Key).Name, m.Key == group.LeaderId, m.Value)).Order()),
                $"{group.Id}: members {string.Join(",", members.Select(m => m.UserId))}, the model has {string.Join(",", group.Members.Keys)}");
            var chains = (await grain.Chains(group.LeaderId)).Unwrap();
            Check(chains.SequenceEqual(Enumerable.Reverse(group.Chains).Select(c => c.Id)), $"{group.Id}: chains are not the model's, newest first");
            foreach (var outsider in Users.Where(u => !group.IsMember(u)))
            {
                Check((await grain.Messages(outsider, 0, 10)).Error?.Code == ErrorCodes.NotMember, $"{group.Id}: outsider {outsider} read the history");
                Check((await grain.LeaderFor(outsider)) is null, $"{group.Id}: outsider {outsider} is taken for a member");
            }
        }
        Check((await Silo.Group(Missing).View(Leaders[0])).Error?.Code == ErrorCodes.NotFound, "a missing group was found");
        foreach (var sale in _sales)
        {
            await CheckSaleAsync(sale);
        }
        foreach (var leader in Leaders)
        {
            var listed = (await Silo.ReferredBy(leader)).Order().ToList();
            var expected = _referrals.Where(r => r.Value?.LeaderId == leader).Select(r => r.Key).Order().ToList();
            Check(listed.SequenceEqual(expected), $"{leader} is listed {listed.Count} referred orders, the model {expected.Count}: {string.Join(",", listed)} vs {string.Join(",", expected)}");
        }
        Note("audit passed");
    }

    /// <summary>The sale's totals, and each of its orders as the model has it (they all come from chain entries).</summary>
    private async Task CheckSaleAsync(ModelSale sale)
    {
        var grain = FlashSaleTestKit.SaleIn(Silo, sale.Id);
        var snapshot = (await grain.Get())!;
        Check(snapshot.Sold == sale.Sold && snapshot.Reserved == sale.Reserved && snapshot.Status == sale.StatusAt(Now),
            $"{sale.Id}: {snapshot.Sold} sold, {snapshot.Reserved} reserved, {snapshot.Status}; the model {sale.Sold}, {sale.Reserved}, {sale.StatusAt(Now)}");
        foreach (var order in sale.Orders)
        {
            var stored = await grain.GetOrder(order.Id);
            Check(stored is not null && stored.Status == order.Status && stored.Quantity == order.Quantity && stored.ShopperId == order.ShopperId
                && stored.Kind == OrderKind.FlashSale && stored.Referral == _referrals[order.Id],
                $"{order.Id} is {stored}, the model {order} referred {_referrals[order.Id]}");
        }
        Check(await grain.GetOrder(FlashSaleTestKit.OrderId(sale.Id, sale.Orders.Count + 1)) is null, $"{sale.Id} holds an order the model does not");
    }

    private void CheckGroup(ModelGroup group, GroupSnapshot snapshot) =>
        Check(snapshot.Id == group.Id && snapshot.Name == $"group {group.Id}" && snapshot.LeaderId == group.LeaderId
            && snapshot.LeaderName == Person(group.LeaderId).Name && snapshot.MemberCount == group.Members.Count
            && snapshot.LastSeq == group.LastSeq && snapshot.Version == group.Version,
            $"{group.Id} is {snapshot}; the model has {group.Members.Count} members, last seq {group.LastSeq}, version {group.Version}");

    private static void CheckMessages(ModelGroup group, long afterSeq, int limit, Result<IReadOnlyList<ChatMessage>> result)
    {
        var expected = group.Read(afterSeq, limit);
        Check(result.Value is { } got && got.SequenceEqual(expected),
            $"{group.Id}: reading after {afterSeq} limit {limit} gave {(result.Value is { } v ? $"seq {string.Join(",", v.Select(m => m.Seq))}" : result.Error!.Code)}, "
            + $"the model {expected.Count} messages from {expected.FirstOrDefault()?.Seq}");
    }

    private static void CheckChain(ModelChain chain, ChainSnapshot snapshot)
    {
        var draft = chain.Draft;
        Check(snapshot.Id == chain.Id && snapshot.GroupId == chain.Group.Id && snapshot.LeaderId == chain.Group.LeaderId && snapshot.Title == draft.Title
            && snapshot.Note == draft.Note && snapshot.FlashSaleId == chain.Sale.Id && snapshot.Sku == FlashSaleTestKit.SkuOf(chain.Sale.Id)
            && snapshot.Price == FlashSaleTestKit.Price && snapshot.Pickup == draft.Pickup, $"chain {chain} has the terms {snapshot}");
        Check(snapshot.Status == (chain.Closed ? ChainStatus.Closed : ChainStatus.Open) && snapshot.Version == chain.Version,
            $"chain {chain} is {snapshot.Status} v{snapshot.Version}, the model {(chain.Closed ? "closed" : "open")} v{chain.Version}");
        Check(snapshot.Entries.SequenceEqual(chain.Entries),
            $"chain {chain} has the lines {string.Join("; ", snapshot.Entries)}, the model {string.Join("; ", chain.Entries)}");
        Check(snapshot.Totals == chain.Totals, $"chain {chain} totals {snapshot.Totals}, the model {chain.Totals}");
    }
}
