using Microsoft.Data.Sqlite;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// P3's baseline on SQLite: per purchase ONE transaction (<c>BEGIN IMMEDIATE</c>) with a conditional stock
/// <c>UPDATE</c>, a conditional upsert of the shopper's units (the limit check), an order <c>INSERT</c>, then
/// <c>COMMIT</c>, in WAL mode with <c>synchronous=FULL</c>, on the same file: the log is synced before a purchase is
/// acknowledged, as our store syncs it (after the commit, on a loop of its own) before it acknowledges.
/// </summary>
/// <remarks>
/// SQLite has one writer. Left to itself, each of 64 connections would meet <c>SQLITE_BUSY</c> and sleep in the
/// busy handler, which makes a naive design look far worse than it need be; here the callers queue on one async
/// gate instead, so the baseline gets SQLite's best: one transaction right after the other, each with its own
/// fsync. Each caller keeps its own connection and prepared commands.
/// </remarks>
internal sealed class NaiveSqlite : IPurchaser
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS naive_stock (sale TEXT PRIMARY KEY, remaining INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS naive_held (sale TEXT NOT NULL, shopper TEXT NOT NULL, units INTEGER NOT NULL, PRIMARY KEY (sale, shopper));
        CREATE TABLE IF NOT EXISTS naive_orders (
            id INTEGER PRIMARY KEY, sale TEXT NOT NULL, shopper TEXT NOT NULL, quantity INTEGER NOT NULL,
            amount INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, pay_by INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS naive_orders_by_shopper ON naive_orders (sale, shopper);
        """;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _writer;
    private readonly NaiveSale _sale;
    private readonly string[] _shopperIds;
    private readonly SqliteCommand _takeStock;
    private readonly SqliteCommand _holdUnits;
    private readonly SqliteCommand _insertOrder;

    private NaiveSqlite(SqliteConnection connection, SemaphoreSlim writer, NaiveSale sale, string[] shopperIds)
    {
        _connection = connection;
        _writer = writer;
        _sale = sale;
        _shopperIds = shopperIds;
        _takeStock = Command("UPDATE naive_stock SET remaining = remaining - $q WHERE sale = $sale AND remaining >= $q", "$q", "$sale");
        _holdUnits = Command("""
            INSERT INTO naive_held (sale, shopper, units) VALUES ($sale, $shopper, $q)
            ON CONFLICT (sale, shopper) DO UPDATE SET units = naive_held.units + excluded.units
            WHERE naive_held.units + excluded.units <= $limit
            """, "$sale", "$shopper", "$q", "$limit");
        _insertOrder = Command("""
            INSERT INTO naive_orders (sale, shopper, quantity, amount, status, created_at, pay_by)
            VALUES ($sale, $shopper, $q, $amount, 'pending_payment', $now, $payBy)
            """, "$sale", "$shopper", "$q", "$amount", "$now", "$payBy");
    }

    /// <summary>Creates the tables and the sale's stock row in the database file.</summary>
    public static void Prepare(string path, NaiveSale sale)
    {
        using var connection = Open(path);
        Execute(connection, Schema);
        using var stock = connection.CreateCommand();
        stock.CommandText = "INSERT INTO naive_stock (sale, remaining) VALUES ($sale, $quantity) ON CONFLICT (sale) DO UPDATE SET remaining = excluded.remaining";
        stock.Parameters.AddWithValue("$sale", sale.Id);
        stock.Parameters.AddWithValue("$quantity", sale.Quantity);
        stock.ExecuteNonQuery();
    }

    public static Task<IPurchaser> CreateAsync(string path, SemaphoreSlim writer, NaiveSale sale, string[] shopperIds) =>
        Task.FromResult<IPurchaser>(new NaiveSqlite(Open(path), writer, sale, shopperIds));

    /// <summary>Orders, units sold and the most units one shopper holds: what the audit checks.</summary>
    public static (long Orders, long Sold, long MaxHeld) Audit(string path, NaiveSale sale)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM naive_orders WHERE sale = $sale),
                   $quantity - (SELECT remaining FROM naive_stock WHERE sale = $sale),
                   (SELECT coalesce(max(units), 0) FROM naive_held WHERE sale = $sale)
            """;
        command.Parameters.AddWithValue("$sale", sale.Id);
        command.Parameters.AddWithValue("$quantity", sale.Quantity);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<Outcome> PurchaseAsync(int shopper)
    {
        await _writer.WaitAsync();
        try
        {
            return Purchase(_shopperIds[shopper]);
        }
        finally
        {
            _writer.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _takeStock.Dispose();
        _holdUnits.Dispose();
        _insertOrder.Dispose();
        return _connection.DisposeAsync();
    }

    private Outcome Purchase(string shopperId)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _takeStock.Transaction = _holdUnits.Transaction = _insertOrder.Transaction = transaction;
        if (Execute(_takeStock, 1, _sale.Id) != 1)
        {
            transaction.Rollback();
            return Outcome.SoldOut;
        }
        if (Execute(_holdUnits, _sale.Id, shopperId, 1, _sale.PerUserLimit) != 1)
        {
            transaction.Rollback();
            return Outcome.LimitExceeded;
        }
        var now = DateTimeOffset.UtcNow;
        Execute(_insertOrder, _sale.Id, shopperId, 1, _sale.Price, now.ToUnixTimeMilliseconds(), (now + NaiveSale.PaymentWindow).ToUnixTimeMilliseconds());
        transaction.Commit();
        return Outcome.Acknowledged;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        // The same durability as our store: WAL, synced at every commit.
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private SqliteCommand Command(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static int Execute(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        return command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>The naive designs' sale: the same quantity, limit and price as ours.</summary>
internal sealed record NaiveSale(string Id, int Quantity, int PerUserLimit, long Price)
{
    public static readonly TimeSpan PaymentWindow = TimeSpan.FromMinutes(5);
}
