using Microsoft.Data.Sqlite;

namespace GroupBuy.Load.Bench;

/// <summary>
/// Fills a stopped server's SQLite store up to N grain states, by copying the states the API itself wrote (products,
/// shoppers, campaigns…) under new random keys, in one statement: a store that looks like a big one, made in seconds.
/// </summary>
public static class GrainSeeder
{
    public static async Task<long> FillAsync(string database, int grains, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync(cancellationToken);
        var existing = await CountAsync(connection, cancellationToken);
        if (existing == 0)
        {
            throw new InvalidOperationException("the store has no grain state to copy");
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $add - 1)
                INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
                SELECT t.grain_type, lower(hex(randomblob(16))), t.state_name, t.payload, t.version, t.modified_at
                FROM n JOIN (SELECT grain_type, state_name, payload, version, modified_at,
                                    row_number() OVER (ORDER BY grain_type, grain_key) - 1 AS r FROM grain_state) t
                  ON t.r = n.i % $templates
                """;
            command.Parameters.AddWithValue("$add", Math.Max(0, grains - existing));
            command.Parameters.AddWithValue("$templates", existing);
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return await CountAsync(connection, cancellationToken);
    }

    private static async Task<long> CountAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM grain_state";
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
