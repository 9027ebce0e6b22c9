using GroupBuy.Silo;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GroupBuy.Api.Operations;

/// <summary>Liveness, readiness and the OpenAPI document.</summary>
public static class OperationsApi
{
    private const string ReadyTag = "ready";
    private static readonly HttpMethodMetadata ProbeMethods = new([HttpMethods.Get, HttpMethods.Head]);

    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOpenApi(options => options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new Microsoft.OpenApi.OpenApiInfo
                {
                    Title = "GroupBuy",
                    Version = "1",
                    Description = "Group buys (拼团) and flash sales (秒杀) for chat communities. Money is an integer number of "
                        + "minor units (fen); times are ISO-8601 UTC; every snapshot carries serverTime. Every refusal is a problem "
                        + "detail with a stable code. Writes take an optional Idempotency-Key. Live progress is the SignalR hub at "
                        + "/hubs/live (JSON protocol; the token as access_token).",
                };
                return Task.CompletedTask;
            })
            .AddOperationTransformer<ProblemResponses>()
            .AddOperationTransformer<BearerSecurity>()
            .AddDocumentTransformer<RequestSchemas>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<Draining.Check>("draining", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        // Liveness answers while the process runs; readiness also needs the storage, and fails once the server is stopping.
        // Probes read: any other method is refused (405) rather than answered as if it had been a GET.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(ProbeMethods);
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).WithMetadata(ProbeMethods);
        return app;
    }

    private sealed class StorageHealthCheck(IStorageProbe probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await probe.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("storage unreachable", e);
            }
        }
    }
}
