using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GroupBuy.Api.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_are_exported_over_OTLP_when_an_endpoint_is_configured()
    {
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/metrics", (HttpRequest request) =>
        {
            received.TrySetResult(request.ContentLength ?? 0);
            return Results.Ok();
        });
        await collector.StartAsync(ApiClient.Token);
        var endpoint = $"{collector.Urls.Single()}/v1/metrics";
        await using var api = new ApiFactory();
        var factory = api.WithWebHostBuilder(b => b
            .UseSetting("OpenTelemetry:OtlpEndpoint", endpoint)
            .UseSetting("OpenTelemetry:OtlpProtocol", "http/protobuf"));

        (await factory.CreateClient().GetAsync("/healthz", ApiClient.Token)).EnsureSuccessStatusCode();
        await factory.DisposeAsync();   // a stopping server flushes its metrics

        Assert.True(await received.Task > 0);
    }

    [Fact]
    public async Task A_protocol_that_is_not_one_of_the_two_stops_the_server_at_start_saying_so()
    {
        await using var api = new ApiFactory();
        var factory = api.WithWebHostBuilder(b => b
            .UseSetting("OpenTelemetry:OtlpEndpoint", "http://127.0.0.1:4318/v1/metrics")
            .UseSetting("OpenTelemetry:OtlpProtocol", "http/json"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("OpenTelemetry:OtlpProtocol", error.Message, StringComparison.Ordinal);
    }
}
