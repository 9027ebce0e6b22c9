using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Runtime.Hosting;
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

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerShopperPolicy, context => TokenBucket(context, o => (o.PerShopperBurst, o.PerShopperPerPeriod, o.Period)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(ErrorCodes.RateLimited, "Too many requests from this shopper; slow down.").ExecuteAsync(context.HttpContext);
            };
        });
        services.AddSingleton<CallerRateLimiters>();
        return services;
    }

    /// <summary>Purchases and joins: a bucket per shopper.</summary>
    public static TBuilder RequirePerShopperRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerShopperPolicy);

    /// <summary>Chat writes (messages, chains): a bucket per caller, shared by all their groups. Taken after a keyed retry has replayed.</summary>
    public static TBuilder RequirePerCallerChatRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.LimitedAfterReplay(static l => l.Chat, "Too many messages from this caller; slow down.");

    /// <summary>Creating groups: a bucket per caller. Taken after a keyed retry has replayed.</summary>
    public static TBuilder RequirePerCallerGroupCreationRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.LimitedAfterReplay(static l => l.GroupCreation, "Too many groups created by this caller; try again later.");

    /// <summary>
    /// Limits the route from an endpoint filter, which runs inside the route group's idempotency filter: a retry under an
    /// <c>Idempotency-Key</c> whose first attempt was answered gets that answer (the key's contract), and only new work
    /// takes a token. A refusal is not kept as the key's answer, so the retry after <c>Retry-After</c> runs.
    /// </summary>
    private static TBuilder LimitedAfterReplay<TBuilder>(this TBuilder builder, Func<CallerRateLimiters, PartitionedRateLimiter<HttpContext>> select, string detail)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            using var lease = select(http.RequestServices.GetRequiredService<CallerRateLimiters>()).AttemptAcquire(http);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return Problems.Of(ErrorCodes.RateLimited, detail);
            }
            return await next(context);
        });

    /// <summary>The chat and group-creation buckets, one per caller each.</summary>
    internal sealed class CallerRateLimiters : IDisposable
    {
        public PartitionedRateLimiter<HttpContext> Chat { get; } =
            PartitionedRateLimiter.Create<HttpContext, string>(context => TokenBucket(context, o => (o.ChatBurst, o.ChatPerPeriod, o.ChatPeriod)));

        public PartitionedRateLimiter<HttpContext> GroupCreation { get; } =
            PartitionedRateLimiter.Create<HttpContext, string>(context => TokenBucket(context, o => (o.GroupCreationBurst, o.GroupCreationPerPeriod, o.GroupCreationPeriod)));

        public void Dispose()
        {
            Chat.Dispose();
            GroupCreation.Dispose();
        }
    }

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
