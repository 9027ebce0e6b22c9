using GroupBuy.Api.Live;
using GroupBuy.Grains.Diagnostics;
using GroupBuy.Runtime.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace GroupBuy.Api.Operations;

/// <summary>
/// Exports our meters (the runtime's, the commerce grains', the live bridge's) and ASP.NET Core's over OTLP when an endpoint is configured
/// (<c>OpenTelemetry:OtlpEndpoint</c>, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; <c>OpenTelemetry:OtlpProtocol</c> is
/// <c>grpc</c> by default or <c>http/protobuf</c>); otherwise nothing is exported.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["OpenTelemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return services;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var address))
        {
            throw new InvalidOperationException($"OpenTelemetry:OtlpEndpoint '{endpoint}' is not an absolute URI.");
        }
        var protocol = configuration["OpenTelemetry:OtlpProtocol"] switch
        {
            null or "" or "grpc" => OpenTelemetry.Exporter.OtlpExportProtocol.Grpc,
            "http/protobuf" => OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"OpenTelemetry:OtlpProtocol is 'grpc' or 'http/protobuf', not '{other}'."),
        };
        // The SDK's own builder, since the hosting extension is not in our package source; disposed with the container.
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .AddMeter(RuntimeMetrics.MeterName, CommerceMetrics.MeterName, LiveMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
            .AddOtlpExporter(options =>
            {
                options.Endpoint = address;
                options.Protocol = protocol;
            })
            .Build());
        services.AddHostedService<MeterProviderStarter>();
        return services;
    }

    /// <summary>Builds the meter provider at start-up so export begins with the process.</summary>
    private sealed class MeterProviderStarter(MeterProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush();
            return Task.CompletedTask;
        }
    }
}
