using System.Security.Claims;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Chats;

/// <summary>Group chats (社群): any signed-in user creates or joins a group; members read and post; the leader runs it.</summary>
public static class GroupsApi
{
    public const int MaxNameLength = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxTextLength = 2000;

    public sealed record CreateGroupRequest(string? Name);

    public sealed record ShareRequest(string? Kind, string? Id);

    public sealed record PostMessageRequest(string? Text = null, ShareRequest? Share = null);

    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/groups").WithTags("Group chats").RequireAuthorization().WithIdempotency();
        groups.MapPost("/", Create)
            .WithName("CreateGroup")
            .WithSummary("Create a group chat, led by the caller")
            .RequirePerCallerGroupCreationRateLimit();
        groups.MapGet("/{id}", Get)
            .WithName("GetGroup")
            .WithSummary("A group chat (members only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);
        groups.MapGet("/{id}/members", Members)
            .WithName("ListGroupMembers")
            .WithSummary("A group's members (members only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);
        groups.MapPost("/{id}/members", Join)
            .WithName("JoinGroup")
            .WithSummary("Join a group chat")
            .Refuses(ErrorCodes.NotFound);
        groups.MapDelete("/{id}/members/me", Leave)
            .WithName("LeaveGroup")
            .WithSummary("Leave a group chat")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember, ErrorCodes.Conflict);
        groups.MapDelete("/{id}/members/{userId}", Remove)
            .WithName("RemoveGroupMember")
            .WithSummary("Remove a member (the leader only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember, ErrorCodes.Forbidden, ErrorCodes.Conflict);
        groups.MapPost("/{id}/messages", Post)
            .WithName("PostMessage")
            .WithSummary("Post a text or a share card (members only)")
            .RequirePerCallerChatRateLimit()
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);
        groups.MapGet("/{id}/messages", Messages)
            .WithName("ListMessages")
            .WithSummary("Messages in seq order after afterSeq (members only)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.NotMember);
        return app;
    }

    private static async Task<Results<Created<GroupResponse>, ProblemHttpResult>> Create(CreateGroupRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Validate.Text(request.Name, "name", MaxNameLength) is { } problem)
        {
            return problem;
        }
        var id = Ids.New();
        var result = await grains.GetGrain<IGroupChatGrain>(id).Create(request.Name!, user.AsShopper());
        return result.IsSuccess ? TypedResults.Created($"/api/groups/{id}", GroupResponse.From(result.Value!)) : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).View(user.UserId());
        return result.IsSuccess ? TypedResults.Ok(GroupResponse.From(result.Value!)) : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<MemberResponse[]>, ProblemHttpResult>> Members(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).Members(user.UserId());
        return result.IsSuccess ? TypedResults.Ok(result.Value!.Select(MemberResponse.From).ToArray()) : Problems.Of(result.Error!);
    }

    /// <summary>201 for a new member, 200 for a member already there.</summary>
    private static async Task<Results<Created<GroupResponse>, Ok<GroupResponse>, ProblemHttpResult>> Join(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).Join(user.AsShopper());
        if (!result.IsSuccess)
        {
            return Problems.Of(result.Error!);
        }
        var group = GroupResponse.From(result.Value!.Group);
        return result.Value.Joined ? TypedResults.Created($"/api/groups/{id}", group) : TypedResults.Ok(group);
    }

    private static Task<Results<NoContent, ProblemHttpResult>> Leave(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        RemoveAsync(id, user.UserId(), user.UserId(), grains);

    private static Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string userId, ClaimsPrincipal user, IGrainFactory grains) =>
        RemoveAsync(id, user.UserId(), userId, grains);

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string id, string callerId, string memberId, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).Remove(callerId, memberId);
        return result.IsSuccess ? TypedResults.NoContent() : Problems.Of(result.Error!);
    }

    private static async Task<Results<Created<MessageResponse>, ProblemHttpResult>> Post(string id, PostMessageRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        if ((request.Text is null) == (request.Share is null))
        {
            return Validate.Invalid("text", "or 'share' is required, not both");
        }
        var problem = request.Share is { } s
            ? Validate.All(Validate.OneOf(s.Kind, "share.kind", "team", "flash_sale", "group_buy"), Validate.Text(s.Id, "share.id", 64))
            : Validate.Text(request.Text, "text", MaxTextLength, multiline: true);
        if (problem is not null)
        {
            return problem;
        }
        var group = grains.GetGrain<IGroupChatGrain>(id);
        ShareRef? share = null;
        object? snapshot = null;
        if (request.Share is { } shared)
        {
            share = new ShareRef(ShareKindOf(shared.Kind!), shared.Id!);
            // Members only before anything else is revealed, even whether an item exists.
            if (await group.View(user.UserId()) is { IsSuccess: false } refused)
            {
                return Problems.Of(refused.Error!);
            }
            snapshot = Ids.IsWellFormed(share.Id) ? await ShareCards.ReadAsync(grains, share) : null;
            if (snapshot is null)
            {
                return Problems.Of(ErrorCodes.NotFound, $"The shared {shared.Kind} {shared.Id} does not exist.");
            }
        }
        var result = await group.Post(user.AsShopper(), new MessageDraft(request.Text, share));
        return result.IsSuccess
            ? TypedResults.Created($"/api/groups/{id}/messages?afterSeq={result.Value!.Seq - 1}&limit=1", ShareCards.ToResponse(result.Value, snapshot))
            : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<MessageResponse[]>, ProblemHttpResult>> Messages(string id, string? afterSeq, string? limit, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        if (!Validate.TryParseWhole(afterSeq, 0, 0, long.MaxValue, out var after))
        {
            return Validate.Invalid("afterSeq", "must be a whole number of 0 or more");
        }
        if (!Validate.TryParseWhole(limit, DefaultPageSize, 1, MaxPageSize, out var count))
        {
            return Validate.Invalid("limit", $"must be a whole number from 1 to {MaxPageSize}");
        }
        var result = await grains.GetGrain<IGroupChatGrain>(id).Messages(user.UserId(), after, (int)count);
        return result.IsSuccess ? TypedResults.Ok(await ShareCards.ToResponsesAsync(grains, result.Value!)) : Problems.Of(result.Error!);
    }

    private static ShareKind ShareKindOf(string kind) => kind switch
    {
        "team" => ShareKind.Team,
        "flash_sale" => ShareKind.FlashSale,
        _ => ShareKind.GroupBuy,
    };

    internal static ProblemHttpResult NotFound(string id) => Problems.Of(ErrorCodes.NotFound, $"Group {id} does not exist.");
}
