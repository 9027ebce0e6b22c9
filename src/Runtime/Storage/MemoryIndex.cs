using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// The grain index of <see cref="MemoryGrainStorage"/>, laid out so that the collector hardly sees it. Rows kept as
/// objects (a byte array each, a dictionary per key) cost the collector more than the purchases that wrote them, above
/// all because each later row of an old key wrote a young reference into old memory, which every young collection
/// scans again. Here keys and rows are structs appended to segmented arrays and found through hash tables of plain
/// integers; a key's rows are linked by position, and each row's item id and payload are copied together into shared
/// blocks, so a row holds no reference at all (only keys keep their strings, one per key). Once a row is added, only
/// integers change in place. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class MemoryIndex(int blockBytes = PayloadBlocks.DefaultBlockBytes)
{
    /// <summary>From this many rows a write's rows are upserted in passes (<see cref="Upsert(IReadOnlyList{IndexEntry})"/>).</summary>
    private const int BatchRows = 4;
    private const int StackRows = 256;

    private readonly SegmentedList<KeyEntry> _keys = new();
    private readonly SegmentedList<RowEntry> _rows = new();
    /// <summary>
    /// Open-addressing tables, sized to a power of two and at most half full. A slot holds an entry's hash in its high
    /// half and its position + 1 in its low half (0: empty), so probing reads an entry only when the hash matches.
    /// </summary>
    private ulong[] _keySlots = new ulong[16];
    private ulong[] _rowSlots = new ulong[16];
    private PayloadBlocks _payloads = new(blockBytes);

    /// <summary>Bytes of payload kept, live and replaced (the replaced ones until the next compaction).</summary>
    public long KeptBytes => _payloads.LiveBytes + _payloads.DeadBytes;

    public void Upsert(IndexEntry entry)
    {
        var keyHash = KeyHash(entry.Index, entry.Key);
        var key = KeyOf(entry, keyHash);
        UpsertRow(entry, key, RowHash(key, entry.ItemId));
    }

    /// <summary>
    /// Upserts a write's rows, in their order. Each row's slots lie at random in tables far larger than the caches, so
    /// one row after another waits for memory three times over. A batch is taken in passes instead: every key's slot is
    /// asked for, then every key's entry, then every row's slot, each pass before the one that needs it, so that a
    /// batch's waits overlap.
    /// </summary>
    public void Upsert(IReadOnlyList<IndexEntry> entries)
    {
        var count = entries.Count;
        if (count < BatchRows)
        {
            for (var i = 0; i < count; i++)
            {
                Upsert(entries[i]);
            }
            return;
        }
        Span<int> keyHashes = count <= StackRows ? stackalloc int[count] : new int[count];
        Span<int> keys = count <= StackRows ? stackalloc int[count] : new int[count];
        Span<int> rowHashes = count <= StackRows ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            keyHashes[i] = KeyHash(entries[i].Index, entries[i].Key);
            Prefetch(ref _keySlots[keyHashes[i] & (_keySlots.Length - 1)]);
        }
        for (var i = 0; i < count; i++)
        {
            if (Unpack(_keySlots[keyHashes[i] & (_keySlots.Length - 1)]).Position is var position and >= 0)
            {
                Prefetch(ref _keys[position]);
            }
        }
        for (var i = 0; i < count; i++)
        {
            keys[i] = KeyOf(entries[i], keyHashes[i]);
            rowHashes[i] = RowHash(keys[i], entries[i].ItemId);
            Prefetch(ref _rowSlots[rowHashes[i] & (_rowSlots.Length - 1)]);
        }
        for (var i = 0; i < count; i++)
        {
            UpsertRow(entries[i], keys[i], rowHashes[i]);
        }
    }

    /// <summary>The key's position, added if it is new.</summary>
    private int KeyOf(IndexEntry entry, int keyHash)
    {
        var key = FindKey(entry.Index, entry.Key, keyHash, out var keySlot);
        if (key < 0)
        {
            key = _keys.Add(new KeyEntry { Index = entry.Index, Key = entry.Key, Last = -1 });
            Occupy(ref _keySlots, keySlot, keyHash, key);
        }
        return key;
    }

    private void UpsertRow(IndexEntry entry, int key, int rowHash)
    {
        var row = FindRow(key, entry.ItemId, rowHash, out var rowSlot);
        var item = MemoryMarshal.AsBytes(entry.ItemId.AsSpan());
        if (row >= 0)
        {
            ref var existing = ref _rows[row];
            _payloads.Release(existing.Stored);
            existing.Stored = _payloads.Add(item, entry.Payload.Span);
            if (_payloads.CompactionDue)
            {
                Compact();
            }
            return;
        }
        ref var owner = ref _keys[key];
        row = _rows.Add(new RowEntry
        {
            Key = key,
            Previous = owner.Last,
            Stored = _payloads.Add(item, entry.Payload.Span),
            ItemBytes = item.Length,
        });
        owner.Last = row;
        owner.Count++;
        Occupy(ref _rowSlots, rowSlot, rowHash, row);
    }

    public IReadOnlyList<IndexedItem> Read(string index, string key)
    {
        var found = FindKey(index, key, KeyHash(index, key), out _);
        if (found < 0)
        {
            return [];
        }
        var owner = _keys[found];
        var items = new IndexedItem[owner.Count];
        for (int i = 0, row = owner.Last; row >= 0; i++, row = _rows[row].Previous)
        {
            ref var entry = ref _rows[row];
            var stored = _payloads.Get(entry.Stored);
            items[i] = new IndexedItem(new string(MemoryMarshal.Cast<byte, char>(stored[..entry.ItemBytes])), stored[entry.ItemBytes..].ToArray());
        }
        return items;
    }

    private static int RowHash(int key, string itemId) => HashCode.Combine(key, itemId.GetHashCode(StringComparison.Ordinal));

    /// <summary>
    /// Asks the processor to start loading what <paramref name="at"/> refers to: a hint, never a read, so an address the
    /// collector has since moved costs nothing but the hint. Without the instruction (not x86) there is no hint.
    /// </summary>
    private static unsafe void Prefetch<T>(ref T at)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref at));
        }
    }

    private static int KeyHash(string index, string key) =>
        HashCode.Combine(index.GetHashCode(StringComparison.Ordinal), key.GetHashCode(StringComparison.Ordinal));

    /// <summary>The key's position, or -1 with <paramref name="slot"/> at the empty slot where it would go.</summary>
    private int FindKey(string index, string key, int hash, out int slot)
    {
        var mask = _keySlots.Length - 1;
        for (slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            var (slotHash, position) = Unpack(_keySlots[slot]);
            if (position < 0)
            {
                return -1;
            }
            if (slotHash == hash)
            {
                ref var candidate = ref _keys[position];
                if (string.Equals(candidate.Key, key, StringComparison.Ordinal) && string.Equals(candidate.Index, index, StringComparison.Ordinal))
                {
                    return position;
                }
            }
        }
    }

    /// <summary>The row's position, or -1 with <paramref name="slot"/> at the empty slot where it would go.</summary>
    private int FindRow(int key, string itemId, int hash, out int slot)
    {
        var item = MemoryMarshal.AsBytes(itemId.AsSpan());
        var mask = _rowSlots.Length - 1;
        for (slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            var (slotHash, position) = Unpack(_rowSlots[slot]);
            if (position < 0)
            {
                return -1;
            }
            if (slotHash == hash)
            {
                ref var candidate = ref _rows[position];
                if (candidate.Key == key && _payloads.Get(candidate.Stored)[..candidate.ItemBytes].SequenceEqual(item))
                {
                    return position;
                }
            }
        }
    }

    private static ulong Pack(int hash, int position) => (ulong)(uint)hash << 32 | (uint)(position + 1);

    private static (int Hash, int Position) Unpack(ulong slot) => ((int)(slot >> 32), (int)(uint)slot - 1);

    /// <summary>Fills the empty slot found for a new entry, and doubles the table once it is half full.</summary>
    private static void Occupy(ref ulong[] slots, int slot, int hash, int position)
    {
        slots[slot] = Pack(hash, position);
        if ((position + 1) * 2 <= slots.Length)
        {
            return;
        }
        var grown = new ulong[slots.Length * 2];
        var mask = grown.Length - 1;
        foreach (var occupied in slots)
        {
            if (occupied == 0)
            {
                continue;
            }
            var at = Unpack(occupied).Hash & mask;
            while (grown[at] != 0)
            {
                at = (at + 1) & mask;
            }
            grown[at] = occupied;
        }
        slots = grown;
    }

    /// <summary>Copies the live payloads into fresh blocks; the old ones go to the collector whole.</summary>
    private void Compact()
    {
        var fresh = new PayloadBlocks(blockBytes);
        for (var i = 0; i < _rows.Count; i++)
        {
            ref var row = ref _rows[i];
            row.Stored = fresh.Add(_payloads.Get(row.Stored), []);
        }
        _payloads = fresh;
    }

    private struct KeyEntry
    {
        public string Index;
        public string Key;
        /// <summary>The key's newest row (-1: none yet); each row links to the one before it.</summary>
        public int Last;
        public int Count;
    }

    private struct RowEntry
    {
        /// <summary>The key's position.</summary>
        public int Key;
        public int Previous;
        /// <summary>The item id's UTF-16 bytes, then the payload.</summary>
        public PayloadRef Stored;
        public int ItemBytes;
    }
}
