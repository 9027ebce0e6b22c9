using GroupBuy.Grains.Interfaces;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// The hub's counterpart of <see cref="Errors.ExceptionProblems"/>: an overloaded grain or an unreachable store
/// refuses the call as <c>overloaded: …</c>, a code the client can act on, instead of an unexpected server error.
/// </summary>
/// <remarks>
/// A refusal (<see cref="HubException"/>, carrying the contract's code) is the client's answer, not the server's failure,
/// yet SignalR logs every failed invocation as an error with its stack: a client could fill the log with unknown topics.
/// So SignalR's log of failed invocations is switched off (<see cref="FailedInvocationsCategory"/>) and this filter logs
/// what is the server's failure: an unavailable store as a warning, anything unexpected as an error.
/// </remarks>
internal sealed partial class HubProblems(ILogger<HubProblems> logger) : IHubFilter
{
    /// <summary>The category under which SignalR logs failed hub invocations, and nothing else above debug.</summary>
    public const string FailedInvocationsCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception exception) when (Errors.Unavailability.CauseOf(exception) is not null)
        {
            Unavailable(exception, invocationContext.HubMethodName);
            throw new HubException($"{ErrorCodes.Overloaded}: the service cannot take this call now; retry shortly.");
        }
        catch (Exception exception)
        {
            Failed(exception, invocationContext.HubMethodName);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused hub method {Method} as overloaded")]
    private partial void Unavailable(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private partial void Failed(Exception exception, string method);
}
