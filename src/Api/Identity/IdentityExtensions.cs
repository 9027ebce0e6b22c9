using Microsoft.AspNetCore.Authentication;
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
                else if (RememberedTicket(context) is { } ticket)
                {
                    // Admitted here, where the handler would copy the token out of its header and look it up once more.
                    context.Principal = ticket.Principal;
                    context.Properties = ticket.Properties;
                    context.Success();
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

    /// <summary>The ticket of the request's <c>Authorization: Bearer</c> token when it is remembered and unexpired; null leaves the token to the handler.</summary>
    private static AuthenticationTicket? RememberedTicket(MessageReceivedContext context)
    {
        const string Scheme = "Bearer ";
        var header = context.Request.Headers.Authorization;
        return header.Count == 1 && header[0] is { } value && value.StartsWith(Scheme, StringComparison.Ordinal)
            && context.Options.BearerTokenProtector is ValidatedTokenCache cache && cache.TryGetRemembered(value.AsSpan(Scheme.Length), out var ticket)
            ? ticket
            : null;
    }
}
