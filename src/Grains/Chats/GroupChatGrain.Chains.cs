using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// Sign-up chains started in the group. The chain is opened first (it checks the flash sale), then announced
/// by a message; the group lists a chain once its message is durable. A crash in between leaves a chain
/// nobody was told of, which is harmless.
/// </summary>
public sealed partial class GroupChatGrain
{
    public async Task<Result<ChainStarted>> StartChain(Shopper leader, ChainDraft draft)
    {
        if (Refuse(leader.Id) is { } refusal)
        {
            return Result<ChainStarted>.Fail(refusal);
        }
        if (leader.Id != State.LeaderId)
        {
            return Result<ChainStarted>.Fail(ErrorCodes.Forbidden, "Only the group's leader may start a chain.");
        }
        var chainId = Guid.NewGuid().ToString("N");
        var opened = await GrainFactory.GetGrain<IChainGrain>(chainId).Open(new ChainTerms(Id, State.LeaderId, draft));
        if (!opened.IsSuccess)
        {
            return Result<ChainStarted>.Fail(opened.Error!);
        }
        var message = Append(leader, draft.Title, share: null, chainId);
        await DeliverAsync(message);
        return Result<ChainStarted>.Ok(new ChainStarted(opened.Value!, message));
    }

    public Task<Result<IReadOnlyList<string>>> Chains(string userId) =>
        Task.FromResult(Refuse(userId) is { } refusal
            ? Result<IReadOnlyList<string>>.Fail(refusal)
            : Result<IReadOnlyList<string>>.Ok([.. Enumerable.Reverse(State.Chains)]));
}
