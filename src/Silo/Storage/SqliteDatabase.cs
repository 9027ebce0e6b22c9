using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage;

/// <summary>The embedded SQLite file: one database, write-ahead logged, durable on commit.</summary>
public sealed class SqliteDatabase
{
    private SqliteDatabase(string connectionString, string path)
    {
        ConnectionString = connectionString;
        Path = path;
    }

    public string ConnectionString { get; }

    public string Path { get; }

    public static SqliteDatabase Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        return new SqliteDatabase(connectionString, fullPath);
    }

    public async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
