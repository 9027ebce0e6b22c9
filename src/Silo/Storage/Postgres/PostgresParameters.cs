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

    /// <summary>A <c>timestamptz</c>; Npgsql takes only UTC offsets.</summary>
    public static NpgsqlParameterCollection Time(this NpgsqlParameterCollection parameters, DateTimeOffset value)
    {
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = value.ToUniversalTime() });
        return parameters;
    }
}
