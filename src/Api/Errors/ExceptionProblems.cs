using GroupBuy.Runtime;
using Microsoft.AspNetCore.Diagnostics;

namespace GroupBuy.Api.Errors;

/// <summary>
/// Turns the failures a request can meet into problem details: an overloaded grain or an unreachable store
/// is a fast 503 <c>overloaded</c> with <c>Retry-After</c>, also when it is the cause of another failure
/// (<see cref="Unavailability"/>); malformed input is 400 <c>validation</c>.
/// Anything else is a bug and stays a 500.
/// </summary>
internal sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception is BadHttpRequestException bad
            ? BadRequests.ProblemOf(bad, context.Request)
            : Unavailability.CauseOf(exception) switch
            {
                GrainOverloadedException => Problems.Overloaded(context, "Too many requests are waiting for this item; retry shortly."),
                null => null,
                _ => Problems.Overloaded(context, "The service cannot take this request now; retry shortly."),
            };
        if (problem is null)
        {
            return false;
        }
        if (exception is not BadHttpRequestException)
        {
            Unavailable(exception, context.Request.Path);
        }
        await problem.ExecuteAsync(context);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 for {Path}")]
    private partial void Unavailable(Exception exception, string path);
}
