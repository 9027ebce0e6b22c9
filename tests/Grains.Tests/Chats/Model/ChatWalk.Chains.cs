using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Grains.Tests.FlashSales;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// Chains: started (by the leader only), entered (each entry a purchase the flash-sale model must allow, or the
/// order a crash left without its line), closed; the orders paid or left to expire as the clock moves.
/// </summary>
internal sealed partial class ChatWalk
{
    private const int OpenSaleCount = 2;
    private const string NoSale = "nosale";
    private static readonly decimal[] Rates = [0m, 0.1m, 0.25m, 0.5m];
    private static readonly int[] AdvanceGridSteps = [1, 2, 2, 4, 6, 10, 11, 12];

    private readonly List<ModelSale> _sales = [];
    private readonly List<ModelSale> _open = [];
    private readonly Dictionary<string, decimal> _rates = [];
    /// <summary>Order id → the referral it must carry (null: the leader's own entry).</summary>
    private readonly Dictionary<string, OrderReferral?> _referrals = [];
    private int _chainTitles;

    /// <summary>Keeps two sales not yet over; chains may still point at ended ones.</summary>
    private async Task OpenSalesAsync()
    {
        _open.RemoveAll(s => Now >= s.EndsAt);
        while (_open.Count < OpenSaleCount)
        {
            var id = $"w{Seed}s{_sales.Count + 1}";
            var (quantity, limit, rate) = (Random.Next(3, 11), Random.Next(1, 4), Pick(Rates));
            var startsAt = Now + Grid * Random.Next(0, 5);
            var endsAt = startsAt + Grid * Random.Next(10, 61);
            var sku = FlashSaleTestKit.SkuOf(id);
            (await Silo.GrainFactory.GetGrain<IProductGrain>(sku).Create(new ProductDraft(sku, "Peaches", FlashSaleTestKit.Price, 1_000, "m1"))).Unwrap();
            (await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(id)
                .Create(new FlashSaleDraft(sku, FlashSaleTestKit.Price, quantity, startsAt, endsAt, limit, "m1", rate))).Unwrap();
            var sale = new ModelSale(id, quantity, limit, startsAt, endsAt);
            _sales.Add(sale);
            _open.Add(sale);
            _rates[id] = rate;
            Note($"sale {id}: {quantity} units, limit {limit}, rate {rate}, {At(startsAt)} to {At(endsAt)}");
        }
    }

    private async Task StartChainAsync()
    {
        var group = Pick(_groups);
        var caller = Random.Next(10) switch
        {
            < 7 => group.LeaderId,
            < 9 => Pick(group.Members.Keys.ToList()),
            _ => Pick(Users),
        };
        var sale = Random.Next(10) switch
        {
            0 => null,
            < 4 => Pick(_sales),
            _ => Pick(_open),
        };
        var n = ++_chainTitles;
        var draft = new ChainDraft($"chain {n}", n % 2 == 0 ? null : $"note {n}", sale?.Id ?? NoSale, new ChainPickup($"gate {n % 4}", Start.AddDays(n)));
        var result = await Silo.Group(group.Id).StartChain(Person(caller), draft);
        Note($"start chain {group.Id} by {caller} on {draft.FlashSaleId} → {(result.Value is { } v ? v.Chain.Id[..6] : result.Error!.Code)}");
        var refusal = !group.IsMember(caller) ? ErrorCodes.NotMember
            : caller != group.LeaderId ? ErrorCodes.Forbidden
            : sale is null ? ErrorCodes.NotFound
            : null;
        if (refusal is not null)
        {
            Check(result.Error?.Code == refusal, $"expected {refusal}, got {Describe(result)}");
            return;
        }
        Check(result.IsSuccess, $"a chain the model allows answered {Describe(result)}");
        TakeChain(group, sale!, draft, result.Value!);
    }

    /// <summary>A started chain: its announcement is the group's next message, and the chain is open and empty.</summary>
    private void TakeChain(ModelGroup group, ModelSale sale, ChainDraft draft, ChainStarted started)
    {
        var expected = group.Next(group.LeaderId, draft.Title, share: null, started.Chain.Id, Now);
        Check(started.Message == expected, $"the chain was announced as {started.Message}, expected {expected}");
        group.Messages.Add(expected);
        var chain = new ModelChain(started.Chain.Id, group, sale, draft);
        group.Chains.Add(chain);
        CheckChain(chain, started.Chain);
    }

    private async Task EnterAsync()
    {
        if (!AllChains.Any())
        {
            return;
        }
        var chain = Pick(AllChains.ToList());
        var shopper = Random.Next(5) > 0 ? Pick(chain.Group.Members.Keys.ToList()) : Pick(Users);
        var quantity = Random.Next(20) == 0 ? 0 : Random.Next(1, chain.Sale.Limit + 2);
        var now = Now;
        var orphan = chain.Orphan(shopper);
        var result = await Silo.Chain(chain.Id).Enter(Person(shopper), quantity);
        Note($"enter {chain} {shopper} ×{quantity}{(orphan is null ? "" : $" (its order {orphan.Id} has no line)")} → {DescribeEntry(result)}");
        if (quantity < 1)
        {
            // Validation and the chain's own refusals are unordered by the spec.
            Check(result.Error is { } error && (error.Code == ErrorCodes.Validation || chain.Refusals(shopper).Contains(error.Code)),
                $"an entry for no units answered {DescribeEntry(result)}");
            return;
        }
        if (Refusals(chain, shopper, quantity, now) is { Count: > 0 } refusals)
        {
            Check(result.Error is { } error && refusals.Contains(error.Code), $"expected {string.Join(" or ", refusals)}, got {DescribeEntry(result)}");
            return;
        }
        Check(result.IsSuccess, $"an entry the model allows answered {DescribeEntry(result)}");
        var order = chain.Orphan(shopper) ?? Place(chain, shopper, quantity, now);
        TakeEntry(chain, order, result.Value!, now);
    }

    /// <summary>What an entry may be refused with now; empty when it must succeed (an orphaned order is found again whatever the sale says).</summary>
    private static List<string> Refusals(ModelChain chain, string shopper, int quantity, DateTimeOffset now) =>
        chain.Refusals(shopper) is { Count: > 0 } refusals ? refusals
        : chain.Orphan(shopper) is not null ? []
        : chain.Sale.RefusalsOf(shopper, quantity, now);

    private ModelOrder Place(ModelChain chain, string shopper, int quantity, DateTimeOffset now)
    {
        var order = chain.Sale.Place(shopper, quantity, chain.Key, now, CommerceSilo.PaymentWindow);
        var group = chain.Group;
        var rate = _rates[chain.Sale.Id];
        // A leader's own entry earns no commission; everyone else's is referred by the group.
        _referrals[order.Id] = shopper == group.LeaderId ? null
            : new OrderReferral(group.Id, group.LeaderId, rate, CommissionRates.Commission(order.Amount, rate));
        return order;
    }

    /// <summary>The answer of an accepted entry: the sale's order (as placed or found again) and the chain's next line.</summary>
    private void TakeEntry(ModelChain chain, ModelOrder order, ChainEntered entered, DateTimeOffset now)
    {
        var (got, expected) = (entered.Order, order);
        Check(got.Id == expected.Id && got.ShopperId == expected.ShopperId && got.Quantity == expected.Quantity && got.Amount == expected.Amount
            && got.PayBy == expected.PayBy && got.Referral == _referrals[expected.Id],
            $"the entry's order is {got}, expected {expected} referred {_referrals[expected.Id]}");
        var entry = chain.Take(order, now);
        Check(entered.Entry == entry, $"the entry is {entered.Entry}, expected {entry}");
        CheckChain(chain, entered.Chain);
    }

    private async Task CloseAsync()
    {
        if (!AllChains.Any())
        {
            return;
        }
        var chain = Pick(AllChains.ToList());
        var caller = Random.Next(3) > 0 ? chain.Group.LeaderId : Pick(Users);
        var result = await Silo.Chain(chain.Id).Close(caller);
        Note($"close {chain} by {caller} → {(result.IsSuccess ? "closed" : result.Error!.Code)}");
        if (caller != chain.Group.LeaderId)
        {
            Check(result.Error?.Code == ErrorCodes.Forbidden, $"closing by {caller} answered {Describe(result)}");
            return;
        }
        if (!chain.Closed)
        {
            (chain.Closed, chain.Version) = (true, chain.Version + 1);
        }
        Check(result.IsSuccess, $"the leader's close answered {Describe(result)}");
        CheckChain(chain, result.Value!);
    }

    /// <summary>The owner pays an order of an entry: pending ones become paid, paid ones stay so, cancelled ones are closed.</summary>
    private async Task PayAsync()
    {
        var orders = _sales.SelectMany(s => s.Orders).ToList();
        if (orders.Count == 0)
        {
            return;
        }
        var pending = orders.Where(o => o.Status == OrderStatus.PendingPayment).ToList();
        var order = pending.Count > 0 && Random.Next(4) > 0 ? Pick(pending) : Pick(orders);
        var sale = _sales.Single(s => s.Orders.Contains(order));
        var result = await FlashSaleTestKit.SaleIn(Silo, sale.Id).Pay(order.Id, order.ShopperId);
        Note($"pay {order} → {(result.Value is { } o ? o.Status.ToString() : result.Error!.Code)}");
        if (order.Status == OrderStatus.Cancelled)
        {
            Check(result.Error?.Code == ErrorCodes.OrderClosed, $"paying a cancelled order answered {Describe(result)}");
            return;
        }
        Check(result.Value?.Status == OrderStatus.Paid, $"paying {order} answered {Describe(result)}");
        order.Status = OrderStatus.Paid;
    }

    /// <summary>Moves the clock one due timer at a time; unpaid orders past their pay-by are cancelled, sales start and end.</summary>
    private async Task AdvanceAsync()
    {
        var by = Grid * Pick(AdvanceGridSteps);
        await Silo.AdvanceByStepsAsync(by, Token);
        Note($"advance {by} to {At(Now)}");
        foreach (var sale in _sales)
        {
            sale.AdvanceTo(Now);
        }
    }

    private static string DescribeEntry(Result<ChainEntered> result) =>
        result.Value is { } e ? $"#{e.Entry.No} {e.Order.Id} ×{e.Order.Quantity}" : result.Error!.Code;
}
