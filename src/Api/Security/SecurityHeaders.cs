using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Security;

/// <summary>
/// The explicit CORS policy (only the configured origins, none by default) and the headers every answer carries.
/// The content security policy fits the pages served from wwwroot: scripts, styles, images and fonts from the same
/// origin only, connections to the same origin (fetch and the SignalR WebSocket), no framing, no plugins.
/// </summary>
public static class SecurityHeaders
{
    public const string CorsPolicy = "configured-origins";

    /// <summary>The policy for a request to <paramref name="host"/>: its WebSocket URLs are named, as older browsers do not count them as 'self'.</summary>
    public static string ContentSecurityPolicyFor(string host) =>
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        $"connect-src 'self' ws://{host} wss://{host}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddSecurityPolicies(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<SecurityOptions>>((cors, security) => cors.AddPolicy(CorsPolicy, policy =>
            {
                var origins = security.Value.AllowedOrigins.Where(o => !string.IsNullOrWhiteSpace(o)).ToArray();
                if (origins.Length > 0)
                {
                    policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("Location", "Retry-After");
                }
            }));
        return services;
    }

    /// <summary>Adds the headers before anything else runs, so errors and 404s carry them too; then applies CORS.</summary>
    public static IApplicationBuilder UseSecurityPolicies(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicyFor(context.Request.Host.Value ?? "localhost");
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return next(context);
        });
        app.UseCors(CorsPolicy);
        return app;
    }
}
