using System.Runtime.InteropServices;
using GroupBuy.Runtime.Reminders;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// Grain state, journals and reminders in memory, with the same version checks as the durable providers.
/// For tests and the <c>memory</c> provider; the test kit keeps one instance across silo restarts.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage, IJournalStorage, IReminderTable, IGrainIndex
{
    private readonly Contents _contents;
    /// <summary>Set when the silo writing through this handle has crashed: from then on none of its writes lands.</summary>
    private volatile bool _crashed;

    public MemoryGrainStorage() : this(new Contents())
    {
    }

    private MemoryGrainStorage(Contents contents) => _contents = contents;

    /// <summary>State writes and journal appends accepted so far, through any handle (what write-coalescing tests count).</summary>
    public int Writes => _contents.Writes;

    /// <summary>
    /// A handle on the same contents for one silo. <see cref="Crash"/> cuts it off, so a test can drop a silo as a
    /// crash would while this storage outlives it.
    /// </summary>
    public MemoryGrainStorage ForSilo() => new(_contents);

    /// <summary>
    /// The silo writing through this handle has died: a write it has under way, or starts later, never lands, as none
    /// from a dead process would. Writes that landed before stay. Without this, a dropped silo's late append could land
    /// after its successor read the journal, which no real crash does.
    /// </summary>
    public void Crash() => _crashed = true;

    public Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            return Task.FromResult(_contents.States.GetValueOrDefault((grainId, stateName)));
        }
    }

    public Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(stateName, grainId, payload, expectedVersion, [], cancellationToken);

    public async Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
    {
        var stored = Owned(payload);
        // Complete off the caller's turn, as a real store does, so grains meet the same interleavings as in production.
        return await Task.Run(() => Put(stateName, grainId, stored, expectedVersion, index), cancellationToken);
    }

    public async Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken)
    {
        return await Task.Run(() => Put(stateName, grainId, null, expectedVersion, []), cancellationToken);
    }

    public Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            return Task.FromResult(_contents.Snapshots.GetValueOrDefault((grainId, journalName)));
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            IReadOnlyList<JournalEntry> events = _contents.Journals.TryGetValue((grainId, journalName), out var journal)
                ? [.. journal.Where(e => e.Key > afterVersion).Select(e => new JournalEntry(e.Key, e.Value))]
                : [];
            return Task.FromResult(events);
        }
    }

    public Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, CancellationToken cancellationToken) =>
        AppendAsync(journalName, grainId, expectedVersion, events, [], cancellationToken);

    public async Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
    {
        var copies = Owned(events);
        await Task.Run(() => { }, cancellationToken);
        Append(journalName, grainId, expectedVersion, copies, index);
    }

    /// <summary>Cuts the promised append and writes it in one step off the caller's turn, once the one before it is done.</summary>
    public async Task AppendWhenReadyAsync(string journalName, GrainId grainId, Task previous, Func<JournalCut> cut, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.Run(() =>
        {
            var batch = cut();
            Append(journalName, grainId, batch.ExpectedVersion, Owned(batch.Events), batch.Index);
        }, cancellationToken);
    }

    private void Append(string journalName, GrainId grainId, long expectedVersion, byte[][] copies, IReadOnlyList<IndexEntry> index)
    {
        lock (_contents.Lock)
        {
            ThrowIfCrashed();
            var key = (grainId, journalName);
            var journal = _contents.Journals.TryGetValue(key, out var existing) ? existing : _contents.Journals[key] = [];
            var head = Math.Max(journal.Count > 0 ? journal.Keys[^1] : 0, _contents.Snapshots.GetValueOrDefault(key)?.Version ?? 0);
            if (head != expectedVersion)
            {
                throw new InconsistentStateException($"Journal {journalName} of {grainId} is at version {head}, not {expectedVersion}.");
            }
            for (var i = 0; i < copies.Length; i++)
            {
                journal.Add(expectedVersion + i + 1, copies[i]);
            }
            Upsert(index);
            _contents.Writes++;
        }
    }

    public Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        WriteSnapshotAsync(journalName, grainId, version, payload, [], cancellationToken);

    public async Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
    {
        var stored = Owned(payload);
        // Off the caller's turn, as the appends: a snapshot brings up to an interval's worth of rows to upsert.
        await Task.Run(() => PutSnapshot(journalName, grainId, version, stored, index), cancellationToken);
    }

    private void PutSnapshot(string journalName, GrainId grainId, long version, byte[] payload, IReadOnlyList<IndexEntry> index)
    {
        lock (_contents.Lock)
        {
            ThrowIfCrashed();
            var key = (grainId, journalName);
            if (_contents.Snapshots.GetValueOrDefault(key)?.Version > version)
            {
                throw new InconsistentStateException($"Journal {journalName} of {grainId} holds a snapshot later than version {version}.");
            }
            _contents.Snapshots[key] = new JournalSnapshot(payload, version);
            Upsert(index);
            if (_contents.Journals.TryGetValue(key, out var journal) && journal.Count > 0 && journal.Keys[0] <= version)
            {
                // Rebuilt rather than trimmed with RemoveAt(0), which shifts the whole list once per dropped event.
                var kept = new SortedList<long, byte[]>(Math.Max(0, journal.Count - (int)(version - journal.Keys[0] + 1)));
                foreach (var (eventVersion, stored) in journal)
                {
                    if (eventVersion > version)
                    {
                        kept.Add(eventVersion, stored);
                    }
                }
                _contents.Journals[key] = kept;
            }
        }
    }

    /// <summary>The events a journal still holds (tests check that snapshots drop covered events).</summary>
    public int JournalLength(string journalName, GrainId grainId)
    {
        lock (_contents.Lock)
        {
            return _contents.Journals.TryGetValue((grainId, journalName), out var journal) ? journal.Count : 0;
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _contents.Reminders.Values]);
        }
    }

    public Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            ThrowIfCrashed();
            _contents.Reminders[(entry.GrainId, entry.Name)] = entry;
        }
        return Task.CompletedTask;
    }

    public Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            ThrowIfCrashed();
            _contents.Reminders.Remove((grainId, name));
        }
        return Task.CompletedTask;
    }

    private long Put(string stateName, GrainId grainId, byte[]? payload, long expectedVersion, IReadOnlyList<IndexEntry> index)
    {
        lock (_contents.Lock)
        {
            ThrowIfCrashed();
            var key = (grainId, stateName);
            var current = _contents.States.GetValueOrDefault(key)?.Version ?? 0;
            if (current != expectedVersion)
            {
                throw new InconsistentStateException($"State {stateName} of {grainId} is at version {current}, not {expectedVersion}.");
            }
            _contents.States[key] = new StoredState(payload, current + 1);
            Upsert(index);
            _contents.Writes++;
            return current + 1;
        }
    }

    public Task<IReadOnlyList<IndexedItem>> ReadIndexAsync(string index, string key, CancellationToken cancellationToken)
    {
        lock (_contents.Lock)
        {
            return Task.FromResult(_contents.Index.Read(index, key));
        }
    }

    /// <summary>
    /// The payload's own array when the caller handed over a whole one (the runtime always does: stores may keep what
    /// they are given, see <see cref="IGrainStorage"/>); a copy of a slice otherwise.
    /// </summary>
    private static byte[] Owned(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    private static byte[][] Owned(IReadOnlyList<ReadOnlyMemory<byte>> events)
    {
        var copies = new byte[events.Count][];
        for (var i = 0; i < copies.Length; i++)
        {
            copies[i] = Owned(events[i]);
        }
        return copies;
    }

    /// <summary>Called under the lock, in the same step as the write it came with.</summary>
    private void Upsert(IReadOnlyList<IndexEntry> rows) => _contents.Index.Upsert(rows);

    /// <summary>Called under the lock, so a write either landed before the crash or never does.</summary>
    private void ThrowIfCrashed()
    {
        if (_crashed)
        {
            throw new InvalidOperationException("The silo that made this write has crashed; it never reaches storage.");
        }
    }

    /// <summary>What the store holds, shared by every handle on it; guarded by <see cref="Lock"/>.</summary>
    private sealed class Contents
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<(GrainId, string), StoredState> States = [];
        public readonly Dictionary<(GrainId, string), SortedList<long, byte[]>> Journals = [];
        public readonly Dictionary<(GrainId, string), JournalSnapshot> Snapshots = [];
        public readonly Dictionary<(GrainId, string), ReminderEntry> Reminders = [];
        public readonly MemoryIndex Index = new();
        public int Writes;
    }
}
