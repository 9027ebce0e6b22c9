using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// A row of a grain index: a secondary index the store keeps for queries no single grain can answer (a shopper's
/// orders across every sale). It is committed in the same transaction as the state write or journal append it is
/// handed to, so the index never lags behind, nor runs ahead of, the grain that wrote it. Rows are upserted by
/// <see cref="Index"/> + <see cref="Key"/> + <see cref="ItemId"/>: writing one again is harmless.
/// </summary>
public readonly record struct IndexEntry(string Index, string Key, string ItemId, ReadOnlyMemory<byte> Payload);

/// <summary>One item under an index key, as read back.</summary>
public readonly record struct IndexedItem(string ItemId, byte[] Payload)
{
    /// <summary>The item, from the JSON a grain wrote with <c>AddToIndex</c> (null only for a stored <c>null</c>).</summary>
    public TItem? FromJson<TItem>() => JsonSerializer.Deserialize<TItem>(Payload, StateBinding.Json);
}

/// <summary>A grain state that can carry index rows with its next commit (both kinds of state can).</summary>
public interface IIndexWriter
{
    /// <summary>
    /// Upserts a row of a grain index in the same commit as the state's next write or append: the item as JSON, or in
    /// <paramref name="format"/> when given.
    /// </summary>
    void AddToIndex<TItem>(string index, string key, string itemId, TItem item, IndexRowFormat<TItem>? format = null);
}

/// <summary>Reads what grains wrote to an index. Only committed rows are seen.</summary>
public interface IGrainIndex
{
    /// <summary>Every item under <paramref name="key"/> of <paramref name="index"/>, in no particular order.</summary>
    Task<IReadOnlyList<IndexedItem>> ReadIndexAsync(string index, string key, CancellationToken cancellationToken);
}

public static class GrainIndexExtensions
{
    /// <summary>The items under a key, read back from the JSON grains wrote with <c>AddToIndex</c>.</summary>
    public static async Task<IReadOnlyList<TItem>> ReadIndexAsync<TItem>(this IGrainIndex grainIndex, string index, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainIndex);
        var rows = await grainIndex.ReadIndexAsync(index, key, cancellationToken).ConfigureAwait(false);
        var items = new TItem[rows.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Item<TItem>(rows[i]);
        }
        return items;
    }

    private static TItem Item<TItem>(IndexedItem row) => row.FromJson<TItem>()!;
}

/// <summary>
/// An index item's stored form of a grain's own choosing, for rows written by the million (a sale's orders): JSON's field
/// names and numbers as text cost every row bytes to write, pack, merge and sync, and a parse to read. The grain reads
/// such rows back raw (<see cref="IGrainIndex.ReadIndexAsync"/>) and decodes them itself.
/// </summary>
public abstract class IndexRowFormat<TItem> : IIndexRowEncoder
{
    public abstract byte[] Encode(TItem item);

    byte[] IIndexRowEncoder.Encode(object? item) => Encode((TItem)item!);
}

/// <summary>Turns an index item into its stored bytes when the write that carries it is made.</summary>
internal interface IIndexRowEncoder
{
    byte[] Encode(object? item);
}

/// <summary>
/// An index row as a grain added it: checked at once, turned into its stored bytes (JSON, the form states and events are
/// stored in, unless the grain gave an <see cref="IndexRowFormat{TItem}"/>) only when the write that carries it is made.
/// Both kinds of state keep their rows this way.
/// </summary>
internal readonly record struct PendingIndexRow(string Index, string Key, string ItemId, object? Item, IIndexRowEncoder Encoder)
{
    public static PendingIndexRow Of<TItem>(string index, string key, string itemId, TItem item, IIndexRowEncoder? encoder = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(index);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(itemId);
        return new(index, key, itemId, item, encoder ?? JsonIndexRows<TItem>.Encoder);
    }

    public IndexEntry ToEntry() => new(Index, Key, ItemId, Encoder.Encode(Item));
}

/// <summary>How an index item of one type is written as JSON, looked up once per type.</summary>
internal sealed class JsonIndexRows<TItem> : IIndexRowEncoder
{
    public static readonly JsonIndexRows<TItem> Encoder = new();

    private readonly JsonTypeInfo _info = StateBinding.Json.GetTypeInfo(typeof(TItem));

    public byte[] Encode(object? item) => JsonSerializer.SerializeToUtf8Bytes(item, _info);
}
