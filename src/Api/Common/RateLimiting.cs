using System.ComponentModel.DataAnnotations;
using GroupBuy.Runtime.Hosting;
using System.Globalization;
using System.Threading.RateLimiting;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Common;

/// <summary>Per-shopper limits on the purchase and join routes, bound from <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests a shopper may make at once on a limited route (the bucket's size).</summary>
    [Range(1, 100_000)]
    public int PerShopperBurst { get; set; } = 20;

    /// <summary>Requests a shopper regains per <see cref="Period"/>.</summary>
    [Range(1, 100_000)]
    public int PerShopperPerPeriod { get; set; } = 10;

    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}

public static class RateLimiting
{
    private const string PerShopperPolicy = "per-shopper";

    public static IServiceCollection AddPerShopperRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerShopperPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var partition = context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.PerShopperBurst,
                    TokensPerPeriod = options.PerShopperPerPeriod,
                    ReplenishmentPeriod = options.Period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(ErrorCodes.RateLimited, "Too many requests from this shopper; slow down.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    public static TBuilder RequirePerShopperRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerShopperPolicy);
}
