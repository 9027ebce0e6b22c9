using System.ComponentModel.DataAnnotations;

namespace GroupBuy.Silo;

/// <summary>Which durable store the silo uses; bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string SqliteProvider = "sqlite";
    public const string PostgresProvider = "postgres";
    public const string MemoryProvider = "memory";

    /// <summary><c>sqlite</c> (default), <c>postgres</c> or <c>memory</c>.</summary>
    [Required, RegularExpression("^(sqlite|postgres|memory)$", ErrorMessage = "Storage:Provider must be sqlite, postgres or memory.")]
    public string Provider { get; set; } = SqliteProvider;

    public SqliteStorageOptions Sqlite { get; set; } = new();
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative paths resolve against the working directory.</summary>
    [Required]
    public string Path { get; set; } = "data/groupbuy.db";
}
