using GroupBuy.Runtime.Storage;
using Npgsql;
using NpgsqlTypes;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>Typed positional parameters, added in statement order.</summary>
internal static class PostgresParameters
{
    public static NpgsqlParameterCollection Text(this NpgsqlParameterCollection parameters, string value)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return parameters;
    }

    public static NpgsqlParameterCollection Int64(this NpgsqlParameterCollection parameters, long value)
    {
        parameters.Add(new NpgsqlParameter<long> { TypedValue = value });
        return parameters;
    }

    public static NpgsqlParameterCollection NullableInt64(this NpgsqlParameterCollection parameters, long? value)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } v ? v : DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection Bytes(this NpgsqlParameterCollection parameters, ReadOnlyMemory<byte>? value)
    {
        parameters.Add(value is { } bytes
            ? new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = bytes }
            : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection BytesArray(this NpgsqlParameterCollection parameters, IReadOnlyList<ReadOnlyMemory<byte>> values)
    {
        var arrays = new byte[values.Count][];
        for (var i = 0; i < arrays.Length; i++)
        {
            arrays[i] = Blob.ToArray(values[i]);
        }
        parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = arrays });
        return parameters;
    }

    /// <summary>Grain index rows as four parallel arrays: index names (text[]), keys, item ids, payloads (bytea[]).</summary>
    public static NpgsqlParameterCollection IndexRows(this NpgsqlParameterCollection parameters, IReadOnlyList<IndexEntry> rows)
    {
        var names = new string[rows.Count];
        var keys = new string[rows.Count];
        var itemIds = new string[rows.Count];
        var payloads = new byte[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            (names[i], keys[i], itemIds[i], payloads[i]) = (rows[i].Index, rows[i].Key, rows[i].ItemId, Blob.ToArray(rows[i].Payload));
        }
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = itemIds });
        parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads });
        return parameters;
    }

    /// <summary>A <c>timestamptz</c>; Npgsql takes only UTC offsets.</summary>
    public static NpgsqlParameterCollection Time(this NpgsqlParameterCollection parameters, DateTimeOffset value)
    {
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = value.ToUniversalTime() });
        return parameters;
    }
}
