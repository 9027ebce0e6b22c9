using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// A sign-up chain. Non-reentrant: an entry's check ("this member has none yet") and its act (the purchase and
/// the stored line) are one turn, so concurrent entries of one member can never make two. The purchase uses
/// the idempotency key <c>chain.{chainId}</c> for the member: if a crash falls between the purchase and the
/// stored line, the member's retry finds the same order and the line is stored then, never a second order.
/// </summary>
[GrainType("chain")]
public sealed class ChainGrain(
    [PersistentState("chain")] IPersistentState<ChainState> chain,
    ILiveTopics topics,
    TimeProvider clock,
    ILogger<ChainGrain> logger) : Grain, IChainGrain
{
    private ChainState State => chain.State;

    private string Id => GetPrimaryKeyString();

    private DateTimeOffset Now => clock.GetUtcNow();

    public async Task<Result<ChainSnapshot>> Open(ChainTerms terms)
    {
        if (State.Terms is not null)
        {
            return Result<ChainSnapshot>.Fail(ErrorCodes.Conflict, $"Chain {Id} already exists.");
        }
        var sale = await GrainFactory.GetGrain<IFlashSaleGrain>(terms.Draft.FlashSaleId).Get();
        if (sale is null)
        {
            return Result<ChainSnapshot>.Fail(ErrorCodes.NotFound, $"Flash sale {terms.Draft.FlashSaleId} does not exist.");
        }
        (State.Terms, State.Sku, State.Price) = (terms, sale.Sku, sale.Price);
        await CommitAsync();
        return Result<ChainSnapshot>.Ok(Snapshot());
    }

    public Task<ChainSnapshot?> Get() => Task.FromResult(State.Terms is null ? null : Snapshot());

    public async Task<Result<ChainEntered>> Enter(Shopper shopper, int quantity)
    {
        if (State.Terms is not { } terms)
        {
            return Result<ChainEntered>.Fail(ErrorCodes.NotFound, $"Chain {Id} does not exist.");
        }
        if (quantity < 1)
        {
            return Result<ChainEntered>.Fail(ErrorCodes.Validation, "An entry is for at least one unit.");
        }
        if (await GrainFactory.GetGrain<IGroupChatGrain>(terms.GroupId).LeaderFor(shopper.Id) is not { } leaderId)
        {
            return Result<ChainEntered>.Fail(ErrorCodes.NotMember, $"Only members of group {terms.GroupId} may enter its chains.");
        }
        if (State.Status == ChainStatus.Closed)
        {
            return Result<ChainEntered>.Fail(ErrorCodes.Ended, $"Chain {Id} is closed.");
        }
        if (State.Entries.Exists(e => e.ShopperId == shopper.Id))
        {
            return Result<ChainEntered>.Fail(ErrorCodes.AlreadyMember, "You are on this chain already.");
        }
        var bought = await GrainFactory.GetGrain<IFlashSaleGrain>(terms.Draft.FlashSaleId)
            .Purchase(shopper, quantity, $"chain.{Id}", leaderId == shopper.Id ? null : new Referral(terms.GroupId, leaderId));   // a leader's own entry earns no commission
        if (!bought.IsSuccess)
        {
            return Result<ChainEntered>.Fail(bought.Error!);
        }
        var order = bought.Value!;
        var entry = new ChainEntry(State.Entries.Count + 1, shopper.Id, shopper.Name, order.Quantity, order.Id, order.Amount, Now);
        State.Entries.Add(entry);
        await CommitAsync();
        logger.ChainEntered(Id, entry.No, entry.Quantity, order.Id);
        return Result<ChainEntered>.Ok(new ChainEntered(entry, order, Snapshot()));
    }

    public async Task<Result<ChainSnapshot>> Close(string callerId)
    {
        if (State.Terms is not { } terms)
        {
            return Result<ChainSnapshot>.Fail(ErrorCodes.NotFound, $"Chain {Id} does not exist.");
        }
        if (callerId != terms.LeaderId)
        {
            return Result<ChainSnapshot>.Fail(ErrorCodes.Forbidden, "Only the group's leader may close its chain.");
        }
        if (State.Status != ChainStatus.Closed)
        {
            State.Status = ChainStatus.Closed;
            await CommitAsync();
        }
        return Result<ChainSnapshot>.Ok(Snapshot());
    }

    /// <summary>Stores the change made before this call under a new version, then shows it to watchers.</summary>
    private async Task CommitAsync()
    {
        State.Version++;
        await chain.WriteStateAsync();
        var topic = $"chain:{Id}";
        if (topics.HasSubscribers(topic))
        {
            topics.Publish(topic, Snapshot());
        }
    }

    private ChainSnapshot Snapshot()
    {
        var terms = State.Terms!;
        var entries = State.Entries;
        return new ChainSnapshot(Id, terms.GroupId, terms.LeaderId, terms.Draft.Title, terms.Draft.Note, terms.Draft.FlashSaleId, State.Sku, State.Price,
            terms.Draft.Pickup, State.Status, [.. entries],
            new ChainTotals(entries.Count, entries.Sum(e => e.Quantity), entries.Sum(e => e.Amount)), State.Version, Now);
    }
}
