namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>SQLite keeps times as INTEGER microseconds since the Unix epoch, UTC.</summary>
internal static class SqliteTime
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long ToMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TicksPerMicrosecond);
}
