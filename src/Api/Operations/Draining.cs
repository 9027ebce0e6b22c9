using GroupBuy.Api.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GroupBuy.Api.Operations;

/// <summary>
/// A server asked to stop (SIGTERM, as a deploy sends) drains before its grains deactivate: readiness fails, so that a
/// load balancer sends new work elsewhere, and a live connection that arrives now is refused with a fast 503
/// <c>overloaded</c>. SignalR closes the connections it has when the stop begins, and the host waits for every request
/// still open, a WebSocket included: a watcher accepted after that would hold the stop open until the host's timeout,
/// which then leaves no time to deactivate the grains. Plain requests are still served: each ends by itself.
/// </summary>
public static class Draining
{
    public static IApplicationBuilder UseDraining(this IApplicationBuilder app, PathString livePath)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        // Not an async lambda: a request passes through without a state machine of its own.
        return app.Use((context, next) => stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(livePath)
            ? Problems.Overloaded(context, "The server is stopping; connect again shortly.").ExecuteAsync(context)
            : next(context));
    }

    /// <summary>Unhealthy from the moment the server is asked to stop.</summary>
    internal sealed class Check(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("the server is stopping")
                : HealthCheckResult.Healthy());
    }
}
