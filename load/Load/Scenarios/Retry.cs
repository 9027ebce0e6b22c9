using GroupBuy.Load.Client;

namespace GroupBuy.Load.Scenarios;

/// <summary>What a shopper's app does with a refusal that says "try again": waits a moment, then tries again.</summary>
public static class Retry
{
    private const int MaxAttempts = 20;

    /// <summary>Sends until the answer is not <c>rate_limited</c>, <c>overloaded</c> or a lost connection (or attempts run out).</summary>
    public static async Task<ApiResult> UntilSettledAsync(Func<CancellationToken, Task<ApiResult>> send, TimeProvider clock, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await send(cancellationToken);
            if (attempt == MaxAttempts || result.Code is not ("rate_limited" or "overloaded" or "timeout" or "connection_error"))
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(attempt, 10) + Random.Shared.Next(100)), clock, cancellationToken);
        }
    }
}
