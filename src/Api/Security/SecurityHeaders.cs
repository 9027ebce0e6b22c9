using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Security;

/// <summary>
/// The explicit CORS policy (only the configured origins, none by default) and the headers every answer carries.
/// The content security policy fits the pages served from wwwroot: scripts, styles, images and fonts from the same
/// origin only, connections to the same origin (fetch and the SignalR WebSocket) and the configured public origins'
/// WebSockets, no framing, no plugins.
/// </summary>
public static class SecurityHeaders
{
    public const string CorsPolicy = "configured-origins";

    /// <summary>
    /// The policy every answer carries. Connections go to <c>'self'</c>, which covers the same origin's WebSockets
    /// (the SignalR hub) in current browsers, and to the WebSocket origins of <paramref name="publicOrigins"/>, the
    /// configured origins the pages are served at. It is fixed at start-up: nothing from a request (its Host header
    /// least of all) ever reaches it.
    /// </summary>
    public static string ContentSecurityPolicyFor(IEnumerable<string> publicOrigins)
    {
        var connect = string.Concat(publicOrigins.Select(SecurityOptions.WebSocketOriginOf).OfType<string>().Distinct().Select(o => " " + o));
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
            $"connect-src 'self'{connect}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    public static IServiceCollection AddSecurityPolicies(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<SecurityOptions>>((cors, security) => cors.AddPolicy(CorsPolicy, policy =>
            {
                var origins = security.Value.AllowedOrigins.Where(o => !string.IsNullOrWhiteSpace(o)).ToArray();
                if (origins.Length > 0)
                {
                    policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("Location", "Retry-After", "Link");
                }
            }));
        return services;
    }

    /// <summary>Adds the headers before anything else runs, so errors and 404s carry them too; then applies CORS.</summary>
    public static IApplicationBuilder UseSecurityPolicies(this IApplicationBuilder app)
    {
        var contentSecurityPolicy = ContentSecurityPolicyFor(app.ApplicationServices.GetRequiredService<IOptions<SecurityOptions>>().Value.PublicOrigins);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = contentSecurityPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return next(context);
        });
        app.UseCors(CorsPolicy);
        return app;
    }
}
