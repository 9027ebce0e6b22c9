using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Runtime.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
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

/// <summary>A route's per-caller limit: which bucket, and what a refusal says.</summary>
public sealed record RouteRateLimit(Func<CallerRateLimiters, PartitionedRateLimiter<HttpContext>> Bucket, string Detail);

/// <summary>
/// The limits are taken by endpoint filters, inside the route group's idempotency filter: a retry under an
/// <c>Idempotency-Key</c> whose first attempt was answered gets that answer (the key's contract) and takes no token,
/// and a refused request writes nothing, not even a claim on its key (<see cref="Idempotency"/> asks the key's answer
/// first, then takes the token, then claims). A refusal is <c>429 rate_limited</c> with <c>Retry-After</c>, never
/// kept as a key's answer.
/// </summary>
public static class RateLimiting
{
    private static readonly object Taken = new();

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallerRateLimiters>();
        return services;
    }

    /// <summary>Purchases and joins: a bucket per shopper.</summary>
    public static TBuilder RequirePerShopperRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.Limited(new RouteRateLimit(static l => l.PerShopper, "Too many requests from this shopper; slow down."));

    /// <summary>Chat writes (messages, chains): a bucket per caller, shared by all their groups.</summary>
    public static TBuilder RequirePerCallerChatRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.Limited(new RouteRateLimit(static l => l.Chat, "Too many messages from this caller; slow down."));

    /// <summary>Creating groups: a bucket per caller.</summary>
    public static TBuilder RequirePerCallerGroupCreationRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.Limited(new RouteRateLimit(static l => l.GroupCreation, "Too many groups created by this caller; try again later."));

    /// <summary>True when the request's route is rate limited.</summary>
    public static bool IsLimited(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<RouteRateLimit>() is not null;

    /// <summary>Takes a token for the request from its route's bucket, once per request: the refusal when there is none.</summary>
    public static ProblemHttpResult? Take(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RouteRateLimit>() is not { } limit || !http.Items.TryAdd(Taken, null))
        {
            return null;
        }
        using var lease = limit.Bucket(http.RequestServices.GetRequiredService<CallerRateLimiters>()).AttemptAcquire(http);
        if (lease.IsAcquired)
        {
            return null;
        }
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Problems.Of(ErrorCodes.RateLimited, limit.Detail);
    }

    private static TBuilder Limited<TBuilder>(this TBuilder builder, RouteRateLimit limit)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(limit).AddEndpointFilter(static (context, next) =>
            Take(context.HttpContext) is { } refused ? ValueTask.FromResult<object?>(refused) : next(context));

    /// <summary>The caller's partition: by user id, or by address for a caller not signed in.</summary>
    internal static string PartitionOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
}

/// <summary>The purchase-and-join, chat and group-creation buckets, one per caller each, sized from the options.</summary>
public sealed class CallerRateLimiters(IOptions<RateLimitOptions> options) : IDisposable
{
    public PartitionedRateLimiter<HttpContext> PerShopper { get; } =
        Buckets(options.Value.PerShopperBurst, options.Value.PerShopperPerPeriod, options.Value.Period);

    public PartitionedRateLimiter<HttpContext> Chat { get; } =
        Buckets(options.Value.ChatBurst, options.Value.ChatPerPeriod, options.Value.ChatPeriod);

    public PartitionedRateLimiter<HttpContext> GroupCreation { get; } =
        Buckets(options.Value.GroupCreationBurst, options.Value.GroupCreationPerPeriod, options.Value.GroupCreationPeriod);

    /// <summary>A token bucket per caller; the bucket's factory is made once here, not for every request.</summary>
    private static PartitionedRateLimiter<HttpContext> Buckets(int burst, int perPeriod, TimeSpan period)
    {
        var bucketOptions = new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        Func<string, RateLimiter> create = _ => new TokenBucketRateLimiter(bucketOptions);
        return PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.Get(RateLimiting.PartitionOf(context), create));
    }

    public void Dispose()
    {
        PerShopper.Dispose();
        Chat.Dispose();
        GroupCreation.Dispose();
    }
}
