using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Applied {Provider} schema script {Script}")]
    public static partial void SchemaScriptApplied(ILogger logger, string provider, string script);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Lost the connection to PostgreSQL; idle pooled connections were dropped so the next operation reconnects")]
    public static partial void PostgresConnectionLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "A journal append raced another writer's transaction; re-running a batch of {BatchSize} writes (attempt {Attempt})")]
    public static partial void PostgresBatchRetried(ILogger logger, int batchSize, int attempt);

    [LoggerMessage(EventId = 13, Level = LogLevel.Critical,
        Message = "The SQLite store {Path} committed a transaction but could not take it into memory; it refuses every operation until the process restarts")]
    public static partial void SqliteCommitNotKept(ILogger logger, string path, Exception exception);
}
