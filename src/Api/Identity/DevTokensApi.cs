using System.Security.Claims;
using GroupBuy.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Identity;

/// <summary>
/// <c>POST /api/dev/tokens</c>: mints a token without an identity provider, while <c>Auth:DevTokens</c> is on. On outside
/// Development (a load test's or a test suite's server), the server says so at start-up, at warning level: whoever
/// reaches the route can sign in as any shopper or merchant.
/// </summary>
public static partial class DevTokensApi
{
    public sealed record DevTokenRequest(string? UserId, string? Role, string? Name = null);

    public sealed record DevTokenResponse(string Token, DateTimeOffset ExpiresAt);

    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens)
        {
            var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
            if (!environment.IsDevelopment())
            {
                OnOutsideDevelopment(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevTokensApi)), environment.EnvironmentName);
            }
            app.MapPost("/api/dev/tokens", MintToken)
                .WithName("MintDevToken")
                .WithSummary("Mint a bearer token without an identity provider (local runs only)")
                .WithTags("Identity")
                .AllowAnonymous();
        }
        return app;
    }

    private static Results<Ok<DevTokenResponse>, ProblemHttpResult> MintToken(
        DevTokenRequest request, IOptionsMonitor<BearerTokenOptions> bearer, IOptions<AuthOptions> auth, TimeProvider time)
    {
        var problem = Validate.All(
            Validate.Id(request.UserId, "userId"),
            Validate.OneOf(request.Role, "role", Roles.Shopper, Roles.Merchant),
            Validate.Text(request.Name, "name", 64, required: false));
        if (problem is not null)
        {
            return problem;
        }
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, request.UserId!), new(ClaimTypes.Role, request.Role!), new(DevTokenGate.Claim, "true")];
        if (!string.IsNullOrEmpty(request.Name))
        {
            claims.Add(new(ClaimTypes.Name, request.Name));
        }
        var identity = new ClaimsIdentity(claims, BearerTokenDefaults.AuthenticationScheme);
        var expiresAt = time.GetUtcNow() + auth.Value.TokenLifetime;
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expiresAt }, BearerTokenDefaults.AuthenticationScheme);
        var token = bearer.Get(BearerTokenDefaults.AuthenticationScheme).BearerTokenProtector.Protect(ticket);
        return TypedResults.Ok(new DevTokenResponse(token, expiresAt));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dev tokens are on in the {Environment} environment: anyone who reaches POST /api/dev/tokens can sign in as any shopper or merchant. Set Auth:DevTokens to false unless this server is only for tests")]
    private static partial void OnOutsideDevelopment(ILogger logger, string environment);
}
