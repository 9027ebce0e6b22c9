using System.Security.Claims;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Chats;

/// <summary>
/// Sign-up chains (接龙): the leader posts one for a flash sale, members add themselves with a quantity (each
/// entry an order for pickup at the leader's point), everyone in the group reads it, the leader closes it.
/// </summary>
public static class ChainsApi
{
    public const int MaxTitleLength = 200;
    public const int MaxNoteLength = 1000;

    public sealed record PickupRequest(string? Place, DateTimeOffset? At);

    public sealed record StartChainRequest(string? Title, string? FlashSaleId, PickupRequest? Pickup, string? Note = null);

    public sealed record EntryRequest(long? Quantity);

    public static IEndpointRouteBuilder MapChains(this IEndpointRouteBuilder app)
    {
        var inGroup = app.MapGroup("/api/groups/{id}/chains").WithTags("Group chats").RequireAuthorization().WithIdempotency();
        inGroup.MapPost("/", Start)
            .WithName("StartChain")
            .WithSummary("Start a group order chain (接龙) for a flash sale (the leader only)")
            .RequirePerCallerChatRateLimit()
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember, ErrorCodes.Forbidden);
        inGroup.MapGet("/", List)
            .WithName("ListChains")
            .WithSummary("A group's chains (members only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);

        var chains = app.MapGroup("/api/chains").WithTags("Group chats").RequireAuthorization().WithIdempotency();
        chains.MapGet("/{chainId}", Get)
            .WithName("GetChain")
            .WithSummary("A chain and its entries (members only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);
        chains.MapPost("/{chainId}/entries", Enter)
            .WithName("EnterChain")
            .WithSummary("Add the caller to a chain with a quantity")
            .RequireAuthorization(Roles.Shopper)
            .RequirePerShopperRateLimit()
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember, ErrorCodes.AlreadyMember, ErrorCodes.Ended);
        chains.MapPost("/{chainId}/close", Close)
            .WithName("CloseChain")
            .WithSummary("Close a chain (its leader only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember, ErrorCodes.Forbidden);
        return app;
    }

    private static async Task<Results<Created<ChainResponse>, ProblemHttpResult>> Start(string id, StartChainRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return GroupsApi.NotFound(id);
        }
        if (request.Pickup is not { } pickup)
        {
            return Validate.Invalid("pickup", "is required");
        }
        var problem = Validate.All(
            Validate.Text(request.Title, "title", MaxTitleLength),
            Validate.Text(request.FlashSaleId, "flashSaleId", 64),
            Validate.Text(pickup.Place, "pickup.place", MaxTitleLength),
            pickup.At is null ? Validate.Invalid("pickup.at", "is required (ISO-8601)") : null,
            Validate.Text(request.Note, "note", MaxNoteLength, required: false, multiline: true));
        if (problem is not null)
        {
            return problem;
        }
        if (!Ids.IsWellFormed(request.FlashSaleId))
        {
            var group = await grains.GetGrain<IGroupChatGrain>(id).View(user.UserId());
            return Problems.Of(group.Error ?? new DomainError(ErrorCodes.NotFound, $"Flash sale {request.FlashSaleId} does not exist."));
        }
        var draft = new ChainDraft(request.Title!, request.Note, request.FlashSaleId!, new ChainPickup(pickup.Place!, pickup.At!.Value));
        var result = await grains.GetGrain<IGroupChatGrain>(id).StartChain(user.AsShopper(), draft);
        return result.IsSuccess
            ? TypedResults.Created($"/api/chains/{result.Value!.Chain.Id}", ChainResponse.From(result.Value.Chain))
            : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<ChainResponse[]>, ProblemHttpResult>> List(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return GroupsApi.NotFound(id);
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).Chains(user.UserId());
        if (!result.IsSuccess)
        {
            return Problems.Of(result.Error!);
        }
        var chains = await Task.WhenAll(result.Value!.Select(chainId => grains.GetGrain<IChainGrain>(chainId).Get()));
        return TypedResults.Ok(chains.OfType<ChainSnapshot>().Select(ChainResponse.From).ToArray());
    }

    private static async Task<Results<Ok<ChainResponse>, ProblemHttpResult>> Get(string chainId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (chain, refusal) = await ReadForMemberAsync(chainId, user, grains);
        return chain is null ? refusal! : TypedResults.Ok(ChainResponse.From(chain));
    }

    private static async Task<Results<Created<ChainEntryCreatedResponse>, ProblemHttpResult>> Enter(string chainId, EntryRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(chainId))
        {
            return NotFound(chainId);
        }
        if (Validate.Range(request.Quantity, "quantity", 1, Limits.MaxQuantity) is { } problem)
        {
            return problem;
        }
        var result = await grains.GetGrain<IChainGrain>(chainId).Enter(user.AsShopper(), (int)request.Quantity!.Value);
        if (!result.IsSuccess)
        {
            return Problems.Of(result.Error!);
        }
        return TypedResults.Created($"/api/orders/{result.Value!.Order.Id}", ChainEntryCreatedResponse.From(result.Value));
    }

    private static async Task<Results<Ok<ChainResponse>, ProblemHttpResult>> Close(string chainId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (chain, refusal) = await ReadForMemberAsync(chainId, user, grains);
        if (chain is null)
        {
            return refusal!;
        }
        var result = await grains.GetGrain<IChainGrain>(chainId).Close(user.UserId());
        return result.IsSuccess ? TypedResults.Ok(ChainResponse.From(result.Value!)) : Problems.Of(result.Error!);
    }

    /// <summary>The chain when the caller is a member of its group; else why not (<c>not_found</c>, <c>not_member</c>).</summary>
    internal static async Task<(ChainSnapshot? Chain, ProblemHttpResult? Refusal)> ReadForMemberAsync(string chainId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var chain = Ids.IsWellFormed(chainId) ? await grains.GetGrain<IChainGrain>(chainId).Get() : null;
        if (chain is null)
        {
            return (null, NotFound(chainId));
        }
        return await grains.GetGrain<IGroupChatGrain>(chain.GroupId).LeaderFor(user.UserId()) is null
            ? (null, Problems.Of(ErrorCodes.NotMember, $"Only members of group {chain.GroupId} may see its chains."))
            : (chain, null);
    }

    private static ProblemHttpResult NotFound(string chainId) => Problems.Of(ErrorCodes.NotFound, $"Chain {chainId} does not exist.");
}
