using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage.GroupCommit;

internal static partial class CommitQueueLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error,
        Message = "The {Provider} storage could not commit a batch of {BatchSize} writes; each of their callers got the failure")]
    public static partial void BatchFailed(ILogger logger, string provider, int batchSize, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical,
        Message = "The {Provider} commit loop hit an unexpected error; it failed the batch and goes on")]
    public static partial void LoopFaulted(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical,
        Message = "The {Provider} storage could not sync its log; {Writes} committed writes were failed, and every later write will be: restart the process")]
    public static partial void FlushFailed(ILogger logger, string provider, int writes, Exception exception);
}
