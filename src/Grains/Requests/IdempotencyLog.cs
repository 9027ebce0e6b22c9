using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.Requests;

internal static partial class IdempotencyLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Caller {CallerId} holds {Limit} live idempotency keys; a new key is refused for {RetryAfter}")]
    public static partial void KeyLimitReached(this ILogger logger, string callerId, int limit, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Caller {CallerId}'s answer under an idempotency key is {Bytes} bytes, over the {Limit} kept; the key is released and a retry runs afresh")]
    public static partial void AnswerNotKept(this ILogger logger, string callerId, int bytes, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Caller {CallerId}'s reminder to drop its expired idempotency keys could not be set; its next key tries again")]
    public static partial void ExpiryNotArmed(this ILogger logger, Exception exception, string callerId);
}
