using GroupBuy.Grains.Interfaces;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Errors;

/// <summary>
/// Every error is an RFC 9457 problem detail with a stable <c>code</c>; this maps each code of the
/// contract to its status, once.
/// </summary>
public static class Problems
{
    private static readonly Dictionary<string, int> Statuses = new(StringComparer.Ordinal)
    {
        [ErrorCodes.Validation] = StatusCodes.Status400BadRequest,
        [ErrorCodes.Unauthorized] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.Forbidden] = StatusCodes.Status403Forbidden,
        [ErrorCodes.NotMember] = StatusCodes.Status403Forbidden,
        [ErrorCodes.NotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.Conflict] = StatusCodes.Status409Conflict,
        [ErrorCodes.SoldOut] = StatusCodes.Status409Conflict,
        [ErrorCodes.NotStarted] = StatusCodes.Status409Conflict,
        [ErrorCodes.Ended] = StatusCodes.Status409Conflict,
        [ErrorCodes.InsufficientStock] = StatusCodes.Status409Conflict,
        [ErrorCodes.TeamFull] = StatusCodes.Status409Conflict,
        [ErrorCodes.AlreadyMember] = StatusCodes.Status409Conflict,
        [ErrorCodes.TeamClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.OrderClosed] = StatusCodes.Status409Conflict,
        [ErrorCodes.LimitExceeded] = StatusCodes.Status422UnprocessableEntity,
        [ErrorCodes.RateLimited] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.Overloaded] = StatusCodes.Status503ServiceUnavailable,
        [ErrorCodes.PaymentUnavailable] = StatusCodes.Status503ServiceUnavailable,
    };

    private static readonly Dictionary<int, string> CodesByStatus = new()
    {
        [StatusCodes.Status400BadRequest] = ErrorCodes.Validation,
        [StatusCodes.Status401Unauthorized] = ErrorCodes.Unauthorized,
        [StatusCodes.Status403Forbidden] = ErrorCodes.Forbidden,
        [StatusCodes.Status404NotFound] = ErrorCodes.NotFound,
        [StatusCodes.Status405MethodNotAllowed] = ErrorCodes.NotFound,
        [StatusCodes.Status409Conflict] = ErrorCodes.Conflict,
        [StatusCodes.Status413PayloadTooLarge] = ErrorCodes.Validation,
        [StatusCodes.Status415UnsupportedMediaType] = ErrorCodes.Validation,
        [StatusCodes.Status422UnprocessableEntity] = ErrorCodes.Validation,
        [StatusCodes.Status429TooManyRequests] = ErrorCodes.RateLimited,
        [StatusCodes.Status503ServiceUnavailable] = ErrorCodes.Overloaded,
    };

    /// <summary>The extension of a <c>validation</c> problem that maps each invalid field to its messages.</summary>
    public const string ErrorsField = "errors";

    public static ProblemHttpResult Of(string code, string detail) => Of(code, detail, StatusOf(code));

    /// <summary>A problem whose status is not the code's usual one (413 for an oversized body is still <c>validation</c>).</summary>
    public static ProblemHttpResult Of(string code, string detail, int status) => Build(code, detail, status, errors: null);

    /// <summary>A <c>validation</c> problem with <c>errors</c>: each invalid field and its messages.</summary>
    public static ProblemHttpResult Invalid(string detail, Dictionary<string, string[]> errors) =>
        Build(ErrorCodes.Validation, detail, StatusOf(ErrorCodes.Validation), errors);

    /// <summary>A <c>validation</c> problem about one field: <paramref name="message"/> is its detail and the field's entry in <c>errors</c>.</summary>
    public static ProblemHttpResult InvalidField(string field, string message) =>
        Invalid(message, new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    public static ProblemHttpResult Of(DomainError error) => Of(error.Code, error.Detail);

    /// <summary>A fast <c>503 overloaded</c>: the <c>Retry-After</c> header is set on the response, the problem returned.</summary>
    public static ProblemHttpResult Overloaded(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return Of(ErrorCodes.Overloaded, detail);
    }

    public static int StatusOf(string code) => Statuses.GetValueOrDefault(code, StatusCodes.Status400BadRequest);

    /// <summary>The code for a problem raised by the framework itself (binding, routing, limits), by its status.</summary>
    public static string CodeForStatus(int status) => CodesByStatus.GetValueOrDefault(status, status >= 500 ? "internal" : ErrorCodes.Validation);

    private static ProblemHttpResult Build(string code, string detail, int status, Dictionary<string, string[]>? errors)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (errors is not null)
        {
            extensions[ErrorsField] = errors;
        }
        return TypedResults.Problem(detail: detail, statusCode: status, title: TitleOf(code), type: TypeOf(code), extensions: extensions);
    }

    /// <summary>A relative URI naming the problem type; RFC 9457 allows a reference resolved against the request.</summary>
    public static string TypeOf(string code) => $"/problems/{code.Replace('_', '-')}";

    private static string TitleOf(string code) => char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' ');

    /// <summary>
    /// Bodiless 4xx and 5xx answers (an unknown route, a framework refusal) become problem details with a code,
    /// whatever the request's <c>Accept</c> says; the default pages fall back to plain text for a browser.
    /// </summary>
    public static IApplicationBuilder UseProblemStatusCodePages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            return Of(CodeForStatus(status), BadRequests.DetailOfStatus(status), status).ExecuteAsync(context.HttpContext);
        });

    /// <summary>Adds the <c>code</c> (and a matching type) to every problem the framework writes, so none is without one.</summary>
    public static IServiceCollection AddProblems(this IServiceCollection services) =>
        services
            // A body that does not bind reaches ExceptionProblems in every environment (by default only in Development;
            // elsewhere it would be a bare 400), so each client learns what was wrong with it.
            .Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true)
            .AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = CodeForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
                problem.Extensions["code"] = code;
                problem.Type = TypeOf(code);
            }
            problem.Extensions.Remove("traceId");
        });
}
