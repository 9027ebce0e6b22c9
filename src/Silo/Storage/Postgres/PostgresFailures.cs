using System.Net.Sockets;
using Npgsql;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>Which exceptions mean the database failed (surfaced as StorageUnavailableException).</summary>
internal static class PostgresFailures
{
    public static bool IsStorageFailure(Exception exception) =>
        exception is NpgsqlException or TimeoutException or IOException or SocketException;

    /// <summary>The connection is gone (server down, restarted, network): pooled idle connections are suspect too.</summary>
    public static bool IsConnectionLost(Exception exception) => exception switch
    {
        // Class 08: connection exception; 57P: the server is shutting down or restarting.
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal)
            || server.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException or TimeoutException or IOException or SocketException => true,
        _ => false,
    };
}
