using GroupBuy.Grains.Common;
using GroupBuy.Grains.Diagnostics;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GroupBuy.Grains;

public static class GrainServiceCollectionExtensions
{
    /// <summary>What the commerce grains need besides the runtime: order and idempotency settings, the payment gateway, the order lists and the commerce metrics.</summary>
    public static IServiceCollection AddCommerceGrains(this IServiceCollection services)
    {
        services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SimulatedPaymentGateway>();
        services.TryAddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SimulatedPaymentGateway>());
        services.TryAddSingleton<OrderLists>();
        services.AddMetrics();
        services.TryAddSingleton<CommerceMetrics>();
        return services;
    }
}
