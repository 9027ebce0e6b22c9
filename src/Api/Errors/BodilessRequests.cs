namespace GroupBuy.Api.Errors;

public static class BodilessRequests
{
    /// <summary>
    /// Drops the <c>Content-Type</c> of a request whose body is empty (<c>Content-Length: 0</c>) before routing: there is
    /// no content to type, and a route whose body is optional (opening or joining a team) then takes the request as
    /// bodiless instead of refusing it 415. Clients send such types unasked (<c>curl -d ''</c> sends a form type).
    /// </summary>
    public static IApplicationBuilder UseBodilessRequests(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.ContentLength == 0)
            {
                context.Request.ContentType = null;
            }
            return next(context);
        });
}
