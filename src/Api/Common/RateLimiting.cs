using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Runtime.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Common;

/// <summary>
/// Per-caller token buckets, bound from <c>RateLimits</c>: one on the purchase and join routes, one on chat writes
/// (posting a message, starting a chain), one on creating groups. Each caller has a bucket of each kind of their own.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public const int DefaultChatBurst = 20;
    public const int DefaultChatPerPeriod = 1;
    public const int DefaultGroupCreationBurst = 10;
    public const int DefaultGroupCreationPerPeriod = 10;

    /// <summary>Requests a shopper may make at once on a purchase or join route (the bucket's size).</summary>
    [Range(1, 100_000)]
    public int PerShopperBurst { get; set; } = 20;

    /// <summary>Purchase and join requests a shopper regains per <see cref="Period"/>.</summary>
    [Range(1, 100_000)]
    public int PerShopperPerPeriod { get; set; } = 10;

    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages (and chains) a caller may post at once, across all their groups.</summary>
    [Range(1, 100_000)]
    public int ChatBurst { get; set; } = DefaultChatBurst;

    /// <summary>Messages a caller regains per <see cref="ChatPeriod"/>: one a second, a brisk human's pace.</summary>
    [Range(1, 100_000)]
    public int ChatPerPeriod { get; set; } = DefaultChatPerPeriod;

    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan ChatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Groups a caller may create at once.</summary>
    [Range(1, 100_000)]
    public int GroupCreationBurst { get; set; } = DefaultGroupCreationBurst;

    /// <summary>Groups a caller regains per <see cref="GroupCreationPeriod"/>.</summary>
    [Range(1, 100_000)]
    public int GroupCreationPerPeriod { get; set; } = DefaultGroupCreationPerPeriod;

    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan GroupCreationPeriod { get; set; } = TimeSpan.FromHours(1);
}

public static class RateLimiting
{
    private const string PerShopperPolicy = "per-shopper";
    private const string ChatPolicy = "per-caller-chat";
    private const string GroupCreationPolicy = "per-caller-group-creation";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerShopperPolicy, context => TokenBucket(context, o => (o.PerShopperBurst, o.PerShopperPerPeriod, o.Period)));
            limiter.AddPolicy(ChatPolicy, context => TokenBucket(context, o => (o.ChatBurst, o.ChatPerPeriod, o.ChatPeriod)));
            limiter.AddPolicy(GroupCreationPolicy, context => TokenBucket(context, o => (o.GroupCreationBurst, o.GroupCreationPerPeriod, o.GroupCreationPeriod)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var detail = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
                {
                    ChatPolicy => "Too many messages from this caller; slow down.",
                    GroupCreationPolicy => "Too many groups created by this caller; try again later.",
                    _ => "Too many requests from this shopper; slow down.",
                };
                await Problems.Of(ErrorCodes.RateLimited, detail).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Purchases and joins: a bucket per shopper.</summary>
    public static TBuilder RequirePerShopperRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerShopperPolicy);

    /// <summary>Chat writes (messages, chains): a bucket per caller, shared by all their groups.</summary>
    public static TBuilder RequirePerCallerChatRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(ChatPolicy);

    /// <summary>Creating groups: a bucket per caller.</summary>
    public static TBuilder RequirePerCallerGroupCreationRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(GroupCreationPolicy);

    /// <summary>The caller's bucket (by user id; by address for a caller not signed in), sized from the current options.</summary>
    private static RateLimitPartition<string> TokenBucket(HttpContext context, Func<RateLimitOptions, (int Burst, int PerPeriod, TimeSpan Period)> select)
    {
        var (burst, perPeriod, period) = select(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        var partition = context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
        return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
