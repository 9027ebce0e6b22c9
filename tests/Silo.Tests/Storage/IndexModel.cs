using System.Text;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>What a test wrote to one grain index, to read the store back against. Each append is a journal event of its own.</summary>
internal sealed class IndexModel(string index)
{
    private readonly Dictionary<string, Dictionary<string, string>> _items = [];
    private long _version;

    public long RowsWritten { get; private set; }

    public IEnumerable<string> Keys => _items.Keys;

    public IndexEntry Row(string key, string itemId, string payload) => new(index, key, itemId, Encoding.UTF8.GetBytes(payload));

    /// <summary>A row the test put in the file behind the store's back.</summary>
    public void Set(string key, string itemId, string payload)
    {
        if (!_items.TryGetValue(key, out var items))
        {
            _items[key] = items = [];
        }
        items[itemId] = payload;
    }

    /// <summary>Appends one event carrying the rows, in a transaction of its own, and records them.</summary>
    public async Task AppendAsync(SqliteGrainStore store, IReadOnlyList<IndexEntry> rows, CancellationToken cancellationToken)
    {
        await store.AppendAsync("ledger", GrainId.Create("sale", "s1"), _version, [Encoding.UTF8.GetBytes("e")], rows, cancellationToken);
        _version++;
        RowsWritten += rows.Count;
        foreach (var row in rows)
        {
            Set(row.Key, row.ItemId, Encoding.UTF8.GetString(row.Payload.Span));
        }
    }

    public async Task AssertReadsAsync(SqliteGrainStore store, string key, CancellationToken cancellationToken)
    {
        var expected = _items.GetValueOrDefault(key, []).OrderBy(item => item.Key, StringComparer.Ordinal).Select(item => (item.Key, item.Value));
        var read = await store.ReadIndexAsync(index, key, cancellationToken);
        Assert.Equal(expected, read.Select(item => (item.ItemId, Encoding.UTF8.GetString(item.Payload))).OrderBy(item => item.ItemId, StringComparer.Ordinal));
    }
}
