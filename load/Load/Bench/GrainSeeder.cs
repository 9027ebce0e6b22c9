using Microsoft.Data.Sqlite;

namespace GroupBuy.Load.Bench;

/// <summary>
/// Fills a stopped server's SQLite store up to N grain states, by copying the small states the API itself wrote (at
/// most 4 KB each: a product that lists ten thousand campaigns is not a typical grain) under new keys, in one
/// statement: a store that looks like a big one, made in seconds.
/// </summary>
public static class GrainSeeder
{
    private const int MaxTemplateBytes = 4096;

    public static async Task<long> FillAsync(string database, int grains, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync(cancellationToken);
        var existing = await CountAsync(connection, cancellationToken);
        // The templates get numbers 1…n in a table of their own, so each new row finds its template by rowid; keys
        // start with the row's number, so the primary key grows at its end instead of at random places.
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE templates AS
            SELECT grain_type, state_name, payload, version, modified_at FROM grain_state
            WHERE length(payload) <= $max ORDER BY grain_type, grain_key
            """, [("$max", MaxTemplateBytes)], cancellationToken);
        var templates = await ScalarAsync(connection, "SELECT count(*) FROM temp.templates", cancellationToken);
        if (templates == 0)
        {
            throw new InvalidOperationException($"the store has no grain state of at most {MaxTemplateBytes} bytes to copy");
        }
        await ExecuteAsync(connection, """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $add - 1)
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
            SELECT t.grain_type, printf('%08x', n.i) || lower(hex(randomblob(12))), t.state_name, t.payload, t.version, t.modified_at
            FROM n JOIN temp.templates t ON t.rowid = n.i % $templates + 1
            """, [("$add", Math.Max(0, grains - existing)), ("$templates", templates)], cancellationToken);
        return await CountAsync(connection, cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, (string Name, long Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task<long> CountAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ScalarAsync(connection, "SELECT count(*) FROM grain_state", cancellationToken);

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
