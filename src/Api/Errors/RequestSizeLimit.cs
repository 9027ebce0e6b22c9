using GroupBuy.Grains.Interfaces;

namespace GroupBuy.Api.Errors;

public static class RequestSizeLimit
{
    /// <summary>
    /// Refuses a declared body over <see cref="Limits.MaxRequestBodyBytes"/> with 413 before reading it; Kestrel's own
    /// limit (set to the same size) catches bodies that do not declare their length.
    /// </summary>
    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app) =>
        app.Use((context, next) => context.Request.ContentLength > Limits.MaxRequestBodyBytes
            ? Problems.Of(ErrorCodes.Validation, $"Request bodies are limited to {Limits.MaxRequestBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge)
                .ExecuteAsync(context)
            : next(context));
}
