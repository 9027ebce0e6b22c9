using System.Security.Claims;
using GroupBuy.Api.Commissions;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Api.Products;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GroupBuy.Api.GroupBuys;

/// <summary>Group buys (拼团) and their teams: open, join, quick-join; campaign and team reads are public.</summary>
public static class GroupBuysApi
{
    public sealed record CreateGroupBuyRequest(
        string? Sku, long? Price, long? SoloPrice, long? TeamSize, long? TeamWindowSeconds, long? Quantity, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
        long? LeaderPrice = null, decimal? CommissionRate = null);

    /// <summary>The optional body of open, join and quick-join: the group whose share card the seat came through.</summary>
    public sealed record SeatRequest(string? GroupId = null);

    /// <summary>What taking a seat (opening, joining or quick-joining a team) may be refused with.</summary>
    private static readonly string[] Seating =
        [ErrorCodes.NotFound, ErrorCodes.SoldOut, ErrorCodes.NotStarted, ErrorCodes.Ended, ErrorCodes.TeamFull, ErrorCodes.AlreadyMember, ErrorCodes.TeamClosed];

    public static IEndpointRouteBuilder MapGroupBuys(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/api/group-buys").WithTags("Group buys").WithIdempotency();
        campaigns.MapPost("/", Create)
            .WithName("CreateGroupBuy")
            .WithSummary("Launch a group buy")
            .RequireAuthorization(Roles.Merchant)
            .Refuses(ErrorCodes.NotFound, ErrorCodes.InsufficientStock)
            .AddEndpointFilter(Campaigns.CampaignDirectory.ListCreated);
        campaigns.MapGet("/{id}", Get)
            .WithName("GetGroupBuy")
            .WithSummary("A group buy and its forming teams, fewest needed first")
            .AllowAnonymous()
            .Refuses(ErrorCodes.NotFound);
        campaigns.MapPost("/{id}/teams", OpenTeam)
            .WithName("OpenTeam")
            .WithSummary("Open a team as its leader, in its first seat")
            .RequireAuthorization(Roles.Shopper)
            .RequirePerShopperRateLimit()
            .Refuses(Seating);
        campaigns.MapPost("/{id}/quick-join", QuickJoin)
            .WithName("QuickJoin")
            .WithSummary("A seat in the forming team that needs the fewest, or a new team")
            .RequireAuthorization(Roles.Shopper)
            .RequirePerShopperRateLimit()
            .Refuses(Seating);

        var teams = app.MapGroup("/api/teams").WithTags("Group buys").WithIdempotency();
        teams.MapGet("/{teamId}", GetTeam)
            .WithName("GetTeam")
            .WithSummary("A team: its seats, who has paid, and how many are still needed")
            .AllowAnonymous()
            .Refuses(ErrorCodes.NotFound);
        teams.MapPost("/{teamId}/members", Join)
            .WithName("JoinTeam")
            .WithSummary("Take a seat in a forming team")
            .RequireAuthorization(Roles.Shopper)
            .RequirePerShopperRateLimit()
            .Refuses(Seating);
        return app;
    }

    private static async Task<Results<Created<GroupBuyResponse>, ProblemHttpResult>> Create(
        CreateGroupBuyRequest request, ClaimsPrincipal user, IGrainFactory grains, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey)
    {
        var problem = Validate.All(
            Validate.Id(request.Sku, "sku"),
            Validate.Range(request.Price, "price", 0, Limits.MaxPrice),
            request.LeaderPrice is null ? null : Validate.Range(request.LeaderPrice, "leaderPrice", 0, Limits.MaxPrice),
            Validate.Range(request.SoloPrice, "soloPrice", 0, Limits.MaxPrice),
            Validate.Range(request.TeamSize, "teamSize", 2, 100),
            Validate.Range(request.TeamWindowSeconds, "teamWindowSeconds", 1, 30 * 24 * 3600),
            Validate.Range(request.Quantity, "quantity", 1, Limits.MaxQuantity),
            Validate.Window(request.StartsAt, request.EndsAt),
            Validate.Rate(request.CommissionRate, "commissionRate"));
        if (problem is not null)
        {
            return problem;
        }
        if (await ProductOwnership.CheckAsync(grains, request.Sku!, user) is { } notOwned)
        {
            return notOwned;
        }
        var id = Ids.ForCreate(user.UserId(), "group-buy", idempotencyKey);
        var result = await grains.GetGrain<IGroupBuyGrain>(id).Create(new GroupBuyDraft(
            request.Sku!, request.Price!.Value, request.LeaderPrice, request.SoloPrice!.Value, (int)request.TeamSize!.Value,
            (int)request.TeamWindowSeconds!.Value, (int)request.Quantity!.Value, request.StartsAt!.Value, request.EndsAt!.Value, user.UserId(),
            request.CommissionRate ?? 0));
        return result.IsSuccess
            ? TypedResults.Created($"/api/group-buys/{id}", GroupBuyResponse.From(result.Value!))
            : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<GroupBuyResponse>, ProblemHttpResult>> Get(string id, IGrainFactory grains)
    {
        var campaign = Ids.IsWellFormed(id) ? await grains.GetGrain<IGroupBuyGrain>(id).Get() : null;
        return campaign is null ? CampaignNotFound(id) : TypedResults.Ok(GroupBuyResponse.From(campaign));
    }

    private static async Task<Results<Ok<TeamResponse>, ProblemHttpResult>> GetTeam(string teamId, IGrainFactory grains)
    {
        var team = Ids.IsWellFormed(teamId) ? await grains.GetGrain<ITeamGrain>(teamId).Get() : null;
        return team is null ? TeamNotFound(teamId) : TypedResults.Ok(TeamResponse.From(team));
    }

    private static Task<Results<Created<TeamJoinResponse>, ProblemHttpResult>> OpenTeam(string id, SeatRequest? request, ClaimsPrincipal user, IGrainFactory grains) =>
        ViaCampaign(id, grains, async campaign => await campaign.OpenTeam(user.AsShopper(), await Referrals.ResolveAsync(grains, request?.GroupId, user.UserId())));

    private static Task<Results<Created<TeamJoinResponse>, ProblemHttpResult>> QuickJoin(string id, SeatRequest? request, ClaimsPrincipal user, IGrainFactory grains) =>
        ViaCampaign(id, grains, async campaign => await campaign.QuickJoin(user.AsShopper(), await Referrals.ResolveAsync(grains, request?.GroupId, user.UserId())));

    private static async Task<Results<Created<TeamJoinResponse>, ProblemHttpResult>> Join(string teamId, SeatRequest? request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(teamId))
        {
            return TeamNotFound(teamId);
        }
        var referral = await Referrals.ResolveAsync(grains, request?.GroupId, user.UserId());
        return Joined(await grains.GetGrain<ITeamGrain>(teamId).Join(user.AsShopper(), referral));
    }

    private static async Task<Results<Created<TeamJoinResponse>, ProblemHttpResult>> ViaCampaign(string id, IGrainFactory grains, Func<IGroupBuyGrain, Task<Result<TeamJoin>>> act)
    {
        var campaign = Ids.IsWellFormed(id) ? grains.GetGrain<IGroupBuyGrain>(id) : null;
        if (campaign is null || await campaign.Get() is null)
        {
            return CampaignNotFound(id);
        }
        return Joined(await act(campaign));
    }

    private static Results<Created<TeamJoinResponse>, ProblemHttpResult> Joined(Result<TeamJoin> result) =>
        result.IsSuccess
            ? TypedResults.Created($"/api/teams/{result.Value!.Team.Id}", TeamJoinResponse.From(result.Value))
            : Problems.Of(result.Error!);

    private static ProblemHttpResult CampaignNotFound(string id) => Problems.Of(ErrorCodes.NotFound, $"Group buy {id} does not exist.");

    private static ProblemHttpResult TeamNotFound(string id) => Problems.Of(ErrorCodes.NotFound, $"Team {id} does not exist.");
}
