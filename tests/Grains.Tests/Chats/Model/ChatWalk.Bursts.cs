using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Grains.Tests.Walks;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// Concurrent steps. The group is reentrant, so concurrent posts (and a chain's announcement among them) take
/// <c>seq</c> in an order the walk cannot know: the answers must hand out exactly the next seqs, each to its own
/// request, and the model appends them in that order. Entries of one sale's chains run at once; the sale's order
/// ids tell the order it placed them in, the lines' numbers the order each chain took them in.
/// </summary>
internal sealed partial class ChatWalk
{
    private int _bursts;

    private sealed record PostPlan(string Author, string Text, bool StartsChain);

    private sealed record Sent(ChatMessage? Message, ChainStarted? Started, DomainError? Error);

    private async Task<Sent> SendAsync(IGroupChatGrain grain, PostPlan plan, ModelSale sale)
    {
        if (plan.StartsChain)
        {
            var started = await grain.StartChain(Person(plan.Author), DraftOf(plan, sale));
            return new Sent(started.Value?.Message, started.Value, started.Error);
        }
        var posted = await grain.Post(Person(plan.Author), new MessageDraft(plan.Text, null));
        return new Sent(posted.Value, null, posted.Error);
    }

    private ChainDraft DraftOf(PostPlan plan, ModelSale sale) => new(plan.Text, null, sale.Id, new ChainPickup("gate", Start));

    private async Task PostBurstAsync()
    {
        var group = Pick(_groups);
        var burst = ++_bursts;
        // Now and then a long one, so archive pages are sealed while posts go on.
        var count = Random.Next(4) == 0 ? Random.Next(60, 160) : Random.Next(3, 20);
        var members = group.Members.Keys.ToList();
        var chainAt = Random.Next(3) == 0 ? Random.Next(count) : -1;
        var plan = Enumerable.Range(0, count).Select(i => i == chainAt
            ? new PostPlan(group.LeaderId, $"chain {++_chainTitles}", StartsChain: true)
            : new PostPlan(Random.Next(10) == 0 ? Pick(Users) : Pick(members), $"b{burst}-{i}", StartsChain: false)).ToList();
        var sale = Pick(_open);
        var grain = Silo.Group(group.Id);
        var now = Now;
        // Reads run among the posts (and the archiving they set off): each sees a durable prefix, never less than before the burst.
        var before = group.LastSeq;
        var reads = Enumerable.Range(0, count / 10 + 1).Select(_ => (Reader: Pick(members), AfterSeq: (long)Random.Next(0, (int)before + count), Limit: Random.Next(1, 201)))
            .Select(r => (r.AfterSeq, r.Limit, Answer: Task.Run(() => grain.Messages(r.Reader, r.AfterSeq, r.Limit), Token))).ToList();
        var results = await Task.WhenAll(plan.Select(p => Task.Run(() => SendAsync(grain, p, sale), Token)));
        await Task.WhenAll(reads.Select(r => r.Answer));
        var answers = plan.Zip(results).ToList();
        Note($"post burst {group.Id} of {count}{(chainAt >= 0 ? " with a chain" : "")}: "
            + string.Join(", ", answers.Select(a => a.Second.Message is { } m ? $"{a.First.Text}→{m.Seq}" : $"{a.First.Text}→{a.Second.Error!.Code}")));

        foreach (var (request, sent) in answers.Where(a => a.Second.Message is null))
        {
            Check(!group.IsMember(request.Author) && sent.Error?.Code == ErrorCodes.NotMember, $"{request} was refused {sent.Error?.Code}");
        }
        var accepted = answers.Where(a => a.Second.Message is not null).OrderBy(a => a.Second.Message!.Seq).ToList();
        Check(accepted.Count == plan.Count(p => group.IsMember(p.Author)), $"{accepted.Count} of the members' {count} posts were accepted");
        foreach (var (request, sent) in accepted)
        {
            if (sent.Started is { } started)
            {
                TakeChain(group, sale, DraftOf(request, sale), started);
                continue;
            }
            var expected = group.Next(request.Author, request.Text, share: null, chainId: null, now);
            Check(sent.Message == expected, $"{request} was answered {sent.Message}, expected {expected}");
            group.Messages.Add(expected);
        }
        foreach (var (afterSeq, limit, answer) in reads)
        {
            var read = await answer;
            var got = read.Value ?? throw new ModelMismatchException($"a member's read during a burst answered {read.Error!.Code}");
            var least = Math.Clamp(before - afterSeq, 0, limit);
            Check(got.Count >= least && got.Count <= limit && got.SequenceEqual(group.Read(afterSeq, got.Count)),
                $"{group.Id}: a read after {afterSeq} limit {limit} during a burst gave seq {string.Join(",", got.Select(m => m.Seq))} (at least {least} were durable before)");
        }
    }

    private sealed record EntryPlan(ModelChain Chain, string Shopper, int Quantity);

    private async Task EntryBurstAsync()
    {
        var chains = AllChains.GroupBy(c => c.Sale).Select(g => g.ToList()).ToList();
        if (chains.Count == 0)
        {
            return;
        }
        var ofSale = Pick(chains);
        var sale = ofSale[0].Sale;
        var plan = Enumerable.Range(0, Random.Next(3, 9))
            .Select(_ => new EntryPlan(Pick(ofSale), Pick(Users), Random.Next(1, sale.Limit + 2))).ToList();
        var now = Now;
        // An order orphaned before the burst must be found again; one orphaned during it may follow a refusal of its member.
        var orphaned = plan.Where(p => p.Chain.Orphan(p.Shopper) is not null).ToHashSet();
        var results = await Task.WhenAll(plan.Select(p => Task.Run(() => Silo.Chain(p.Chain.Id).Enter(Person(p.Shopper), p.Quantity), Token)));
        var answers = plan.Zip(results).ToList();
        Note($"entry burst {sale.Id}: {string.Join("; ", answers.Select(a => $"{a.First.Chain} {a.First.Shopper} ×{a.First.Quantity} → {DescribeEntry(a.Second)}"))}");

        var accepted = answers.Where(a => a.Second.IsSuccess).ToList();
        Check(accepted.GroupBy(a => (a.First.Chain, a.First.Shopper)).All(g => g.Count() == 1), "a member got two lines on one chain");
        // The sale first: new orders in the order it placed them, each one the model allows at that point.
        var placed = new Dictionary<EntryPlan, ModelOrder>();
        foreach (var (request, result) in accepted.OrderBy(a => a.Second.Value!.Order.Id.Length).ThenBy(a => a.Second.Value!.Order.Id, StringComparer.Ordinal))
        {
            Check(request.Chain.Refusals(request.Shopper).Count == 0, $"{request} was accepted though the chain refuses it");
            if (request.Chain.Orphan(request.Shopper) is { } orphan)
            {
                placed[request] = orphan;
                continue;
            }
            var order = result.Value!.Order;
            var refusals = sale.RefusalsOf(request.Shopper, order.Quantity, now);
            Check(order.Quantity == request.Quantity && refusals.Count == 0, $"{request} placed {order.Id} ×{order.Quantity} though the model refuses it ({string.Join(", ", refusals)})");
            placed[request] = Place(request.Chain, request.Shopper, request.Quantity, now);
        }
        // Then each chain's lines, in the order of their numbers.
        foreach (var (request, result) in accepted.OrderBy(a => a.Second.Value!.Entry.No))
        {
            Check(result.Value!.Entry.No == request.Chain.Entries.Count + 1, $"{request} got line {result.Value.Entry.No} after {request.Chain.Entries.Count}");
            // The chain is non-reentrant: the snapshot an entry answered is the model's once the lines before it are taken.
            TakeEntry(request.Chain, placed[request], result.Value!, now);
        }
        // A refusal true when made stays true: during a burst units only leave and members only gain lines.
        foreach (var (request, result) in answers.Where(a => !a.Second.IsSuccess))
        {
            var allowed = request.Chain.Refusals(request.Shopper)
                .Union(!orphaned.Contains(request) ? sale.RefusalsOf(request.Shopper, request.Quantity, now) : []).ToList();
            Check(allowed.Contains(result.Error!.Code), $"{request} was refused {result.Error.Code}; after the burst the model allows only {string.Join(", ", allowed)}");
        }
    }

}
