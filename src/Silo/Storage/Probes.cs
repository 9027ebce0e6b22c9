using Npgsql;

namespace GroupBuy.Silo.Storage;

internal sealed class SqliteProbe(SqliteDatabase database) : IStorageProbe
{
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }
}

internal sealed class PostgresProbe(NpgsqlDataSource dataSource) : IStorageProbe
{
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
