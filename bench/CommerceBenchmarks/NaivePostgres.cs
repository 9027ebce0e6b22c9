using Npgsql;
using NpgsqlTypes;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// P3's baseline on PostgreSQL: per purchase ONE transaction with a conditional stock <c>UPDATE</c> (rows affected
/// tell), a conditional upsert of the shopper's units (the limit check), an order <c>INSERT</c>, then <c>COMMIT</c>,
/// each statement its own round trip, as an ordinary data-access layer does. Each caller keeps its own connection
/// and its own prepared statements; the server (and its fsync setting) is the one our store runs on.
/// </summary>
internal sealed class NaivePostgres : IPurchaser
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS naive_stock (sale text PRIMARY KEY, remaining integer NOT NULL);
        CREATE TABLE IF NOT EXISTS naive_held (sale text NOT NULL, shopper text NOT NULL, units integer NOT NULL, PRIMARY KEY (sale, shopper));
        CREATE TABLE IF NOT EXISTS naive_orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sale text NOT NULL, shopper text NOT NULL, quantity integer NOT NULL,
            amount bigint NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, pay_by timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS naive_orders_by_shopper ON naive_orders (sale, shopper);
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NaiveSale _sale;
    private readonly string[] _shopperIds;
    private readonly NpgsqlCommand _takeStock;
    private readonly NpgsqlCommand _holdUnits;
    private readonly NpgsqlCommand _insertOrder;

    private NaivePostgres(NpgsqlConnection connection, NaiveSale sale, string[] shopperIds)
    {
        _connection = connection;
        _sale = sale;
        _shopperIds = shopperIds;
        _takeStock = Command("UPDATE naive_stock SET remaining = remaining - $1 WHERE sale = $2 AND remaining >= $1",
            NpgsqlDbType.Integer, NpgsqlDbType.Text);
        _holdUnits = Command("""
            INSERT INTO naive_held (sale, shopper, units) VALUES ($1, $2, $3)
            ON CONFLICT (sale, shopper) DO UPDATE SET units = naive_held.units + excluded.units
            WHERE naive_held.units + excluded.units <= $4
            """, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Integer);
        _insertOrder = Command("""
            INSERT INTO naive_orders (sale, shopper, quantity, amount, status, created_at, pay_by)
            VALUES ($1, $2, $3, $4, 'pending_payment', $5, $6)
            """, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz);
    }

    public static async Task PrepareAsync(NpgsqlDataSource dataSource, NaiveSale sale)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var schema = new NpgsqlCommand(Schema, connection))
        {
            await schema.ExecuteNonQueryAsync();
        }
        await using var stock = new NpgsqlCommand(
            "INSERT INTO naive_stock (sale, remaining) VALUES ($1, $2) ON CONFLICT (sale) DO UPDATE SET remaining = excluded.remaining", connection);
        stock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sale.Id });
        stock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = sale.Quantity });
        await stock.ExecuteNonQueryAsync();
    }

    public static async Task<IPurchaser> CreateAsync(NpgsqlDataSource dataSource, NaiveSale sale, string[] shopperIds)
    {
        var purchaser = new NaivePostgres(await dataSource.OpenConnectionAsync(), sale, shopperIds);
        await purchaser._takeStock.PrepareAsync();
        await purchaser._holdUnits.PrepareAsync();
        await purchaser._insertOrder.PrepareAsync();
        return purchaser;
    }

    /// <summary>Orders, units sold and the most units one shopper holds: what the audit checks.</summary>
    public static async Task<(long Orders, long Sold, long MaxHeld)> AuditAsync(NpgsqlDataSource dataSource, NaiveSale sale)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM naive_orders WHERE sale = $1),
                   $2 - (SELECT remaining FROM naive_stock WHERE sale = $1),
                   (SELECT coalesce(max(units), 0) FROM naive_held WHERE sale = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sale.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sale.Quantity });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<Outcome> PurchaseAsync(int shopper)
    {
        var shopperId = _shopperIds[shopper];
        await using var transaction = await _connection.BeginTransactionAsync();
        _takeStock.Transaction = _holdUnits.Transaction = _insertOrder.Transaction = transaction;
        if (await ExecuteAsync(_takeStock, 1, _sale.Id) != 1)
        {
            await transaction.RollbackAsync();
            return Outcome.SoldOut;
        }
        if (await ExecuteAsync(_holdUnits, _sale.Id, shopperId, 1, _sale.PerUserLimit) != 1)
        {
            await transaction.RollbackAsync();
            return Outcome.LimitExceeded;
        }
        var now = DateTimeOffset.UtcNow;
        await ExecuteAsync(_insertOrder, _sale.Id, shopperId, 1, _sale.Price, now, now + NaiveSale.PaymentWindow);
        await transaction.CommitAsync();
        return Outcome.Acknowledged;
    }

    public async ValueTask DisposeAsync()
    {
        await _takeStock.DisposeAsync();
        await _holdUnits.DisposeAsync();
        await _insertOrder.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private NpgsqlCommand Command(string sql, params ReadOnlySpan<NpgsqlDbType> types)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var type in types)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }
        return command;
    }

    private static Task<int> ExecuteAsync(NpgsqlCommand command, params ReadOnlySpan<object> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        return command.ExecuteNonQueryAsync();
    }
}
