using System.Data.Common;
using Npgsql;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>
/// Defaults the store adds to a connection string that does not set them: a short connect timeout, so an
/// unreachable server fails callers in seconds instead of hanging them, and statement auto-preparation.
/// </summary>
internal static class PostgresConnectionDefaults
{
    public const int ConnectTimeoutSeconds = 3;
    public const int MaxAutoPrepare = 32;

    public static string Apply(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        // Npgsql's own builder reports every keyword as present; a plain builder holds only what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!written.ContainsKey("Timeout"))
        {
            builder.Timeout = ConnectTimeoutSeconds;
        }
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }
        return builder.ConnectionString;
    }
}
