namespace GroupBuy.Api.Pages;

/// <summary>
/// The web pages: static files from wwwroot, and one page shell for every page route, whose script picks
/// the page by path. API and hub routes are matched first, so an unknown <c>/api/…</c> stays a 404 problem.
/// </summary>
public static class PagesEndpoints
{
    private const string Shell = "index.html";

    private static readonly string[] Routes =
        ["/", "/group-buys/{id}", "/teams/{id}", "/flash-sales/{id}", "/orders", "/orders/{id}", "/groups/{id}", "/merchant"];

    public static IApplicationBuilder UsePages(this IApplicationBuilder app) =>
        app.UseStaticFiles(new StaticFileOptions
        {
            // Pages and scripts change with each release; let browsers revalidate rather than guess.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        foreach (var route in Routes)
        {
            app.MapFallbackToFile(route, Shell).ExcludeFromDescription();
        }
        return app;
    }
}
