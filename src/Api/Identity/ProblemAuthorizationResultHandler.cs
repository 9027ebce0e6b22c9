using GroupBuy.Api.Errors;
using GroupBuy.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace GroupBuy.Api.Identity;

/// <summary>Answers a missing or wrong token with 401 <c>unauthorized</c> and a wrong role with 403 <c>forbidden</c>, as problem details.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Of(ErrorCodes.Unauthorized, "A valid bearer token is required.").ExecuteAsync(context);
        }
        if (authorizeResult.Forbidden)
        {
            return Problems.Of(ErrorCodes.Forbidden, "This route is not for your role.").ExecuteAsync(context);
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
