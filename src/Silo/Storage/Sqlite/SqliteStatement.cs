using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// One prepared statement of the writer, driven through SQLite's own API (the provider under
/// <c>Microsoft.Data.Sqlite</c>): values are bound by position straight from strings and spans, with no command,
/// parameter or reader objects and no copy of a payload. The writer runs tens of statements per commit, so their
/// per-call overhead is a real part of a purchase's cost. Positions follow the names given to <see cref="Prepare"/>.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;

    private SqliteStatement(sqlite3 db, sqlite3_stmt statement, int[] positions)
    {
        _db = db;
        _statement = statement;
        _positions = positions;
    }

    public static SqliteStatement Prepare(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement), db);
        var positions = new int[parameterNames.Length];
        for (var i = 0; i < parameterNames.Length; i++)
        {
            positions[i] = raw.sqlite3_bind_parameter_index(statement, parameterNames[i]);
            if (positions[i] == 0)
            {
                statement.Dispose();
                throw new ArgumentException($"The statement has no parameter {parameterNames[i]}: {sql}", nameof(parameterNames));
            }
        }
        return new SqliteStatement(db, statement, positions);
    }

    public SqliteStatement Text(int parameter, string value)
    {
        Check(raw.sqlite3_bind_text16(_statement, _positions[parameter], value.AsSpan()), _db);
        return this;
    }

    public SqliteStatement Int64(int parameter, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, _positions[parameter], value), _db);
        return this;
    }

    public SqliteStatement Int64OrNull(int parameter, long? value) =>
        value is { } number ? Int64(parameter, number) : Null(parameter);

    /// <summary>Binds the bytes; a null payload binds SQL NULL.</summary>
    public SqliteStatement Blob(int parameter, ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            return Null(parameter);
        }
        // An empty span would bind NULL: a zero-length blob keeps "empty" apart from "absent".
        Check(bytes.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, _positions[parameter], 0)
            : raw.sqlite3_bind_blob(_statement, _positions[parameter], bytes.Span), _db);
        return this;
    }

    /// <summary>Runs the statement to its end; answers the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            Step(expectRow: false);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a statement that answers one integer.</summary>
    public long ScalarInt64()
    {
        try
        {
            Step(expectRow: true);
            return raw.sqlite3_column_int64(_statement, 0);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps a query: true with a row to read, false at its end (then <see cref="Reset"/> it before binding anew).</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(_statement);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            Check(result, _db);
        }
        return result == raw.SQLITE_ROW;
    }

    /// <summary>The current row's column as bytes, copied.</summary>
    public byte[] BlobColumn(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    public long Int64Column(int column) => raw.sqlite3_column_int64(_statement, column);

    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private SqliteStatement Null(int parameter)
    {
        Check(raw.sqlite3_bind_null(_statement, _positions[parameter]), _db);
        return this;
    }

    private void Step(bool expectRow)
    {
        var result = raw.sqlite3_step(_statement);
        if (result != (expectRow ? raw.SQLITE_ROW : raw.SQLITE_DONE))
        {
            Check(result == raw.SQLITE_ROW || result == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : result, _db);
        }
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
