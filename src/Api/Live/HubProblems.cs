using GroupBuy.Grains.Interfaces;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// The hub's counterpart of <see cref="Errors.ExceptionProblems"/>: an overloaded grain or an unreachable store
/// refuses the call as <c>overloaded: …</c>, a code the client can act on, instead of an unexpected server error.
/// </summary>
internal sealed partial class HubProblems(ILogger<HubProblems> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception exception) when (Errors.Unavailability.CauseOf(exception) is not null)
        {
            Unavailable(exception, invocationContext.HubMethodName);
            throw new HubException($"{ErrorCodes.Overloaded}: the service cannot take this call now; retry shortly.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused hub method {Method} as overloaded")]
    private partial void Unavailable(Exception exception, string method);
}
