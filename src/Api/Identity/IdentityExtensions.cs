using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;

namespace GroupBuy.Api.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// Bearer tokens (ASP.NET Core's own, protected with data protection and checked for expiry), the shopper
    /// and merchant policies, and problem-detail answers for 401 and 403. SignalR clients send the token as
    /// the <c>access_token</c> query value, which is honoured on the hub's path only. Decrypted tokens are
    /// remembered (<see cref="ValidatedTokenCache"/>); expiry is still checked on every request. A dev token is refused
    /// by a server whose dev tokens are off (<see cref="DevTokenGate"/>).
    /// </summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme).AddBearerToken(BearerTokenDefaults.AuthenticationScheme, options =>
        {
            options.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                {
                    context.Token = token;
                }
                return Task.CompletedTask;
            };
        });
        services.AddOptions<BearerTokenOptions>(BearerTokenDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((bearer, auth) => bearer.BearerTokenExpiration = auth.Value.TokenLifetime)
            .PostConfigure<TimeProvider, Microsoft.Extensions.Options.IOptions<AuthOptions>>((bearer, time, auth) =>
                bearer.BearerTokenProtector = new ValidatedTokenCache(new DevTokenGate(bearer.BearerTokenProtector, auth.Value.DevTokens), time));
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Shopper, policy => policy.RequireRole(Roles.Shopper))
            .AddPolicy(Roles.Merchant, policy => policy.RequireRole(Roles.Merchant));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}
