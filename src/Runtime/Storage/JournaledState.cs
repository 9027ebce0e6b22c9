using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// <see cref="IJournaledState{TState, TEvent}"/> over an <see cref="IJournalStorage"/>: events are appended,
/// a snapshot is written every <see cref="Hosting.GrainRuntimeOptions.JournalSnapshotInterval"/> events, and
/// loading reads the snapshot plus the events after it. Confirmations are coalesced like state writes.
/// </summary>
/// <remarks>
/// <para>
/// A state that grows with its journal would make a fixed interval quadratic: each snapshot serializes everything,
/// so the cost per event grows with the history. So a snapshot larger than <see cref="LargeSnapshotBytes"/> also
/// waits until the events written since it add up to half its size: serializing snapshots then costs at most about
/// twice the bytes of the events themselves, however long the history, and a load still reads at most half a
/// snapshot's worth of events after the snapshot. (A grain whose history is large keeps it out of the snapshot
/// altogether, in index rows: see the flash sale's ledger.)
/// </para>
/// <para>
/// Events and index rows are kept as objects until their batch is written, and serialized then: so they must not
/// change once raised (records, as the grains' events are). A batch of <see cref="OffTurnBatch"/> or more is
/// serialized on a pool thread, so a hot grain's turns do not carry the JSON of everything it writes.
/// </para>
/// <para>
/// Rows added for the snapshot wait for the next one and go in its commit, each index + key + item id once, however
/// often it changed in between: the events carry every change until then.
/// </para>
/// </remarks>
internal sealed class JournaledState<TState, TEvent>(StateBinding binding) : IJournaledState<TState, TEvent>, IActivationState
    where TState : class, IEventSourced<TEvent>, new()
{
    private readonly IJournalStorage _storage = binding.Services.GetRequiredKeyedService<IJournalStorage>(binding.StorageName);
    /// <summary>Below this size a snapshot follows the event interval alone (small states keep their old rhythm).</summary>
    private const int LargeSnapshotBytes = 64 * 1024;

    /// <summary>Looked up once per type rather than on every event.</summary>
    private static readonly JsonTypeInfo<TEvent> EventJson = (JsonTypeInfo<TEvent>)StateBinding.Json.GetTypeInfo(typeof(TEvent));
    private static readonly PolymorphicJson<TEvent> EventWriter = new(StateBinding.Json);
    private static readonly JsonTypeInfo<TState> StateJson = (JsonTypeInfo<TState>)StateBinding.Json.GetTypeInfo(typeof(TState));

    /// <summary>A batch at least this large is serialized on a pool thread, off the grain's turn (see the remarks).</summary>
    private const int OffTurnBatch = 8;

    private readonly List<TEvent> _unconfirmed = [];
    private readonly List<PendingIndexRow> _unconfirmedIndex = [];
    /// <summary>Rows for the next snapshot's commit, the latest of each index + key + item id.</summary>
    private readonly Dictionary<(string Index, string Key, string ItemId), PendingIndexRow> _snapshotIndex = [];
    private long _snapshotVersion;
    private long _snapshotBytes;
    private long _eventBytesSinceSnapshot;
    private bool _confirming;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource? _nextConfirm;
    private Exception? _failure;

    public TState State { get; private set; } = new();

    public long Version { get; private set; }

    public long ConfirmedVersion { get; private set; }

    public Task WhenWritten() => _loop;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (snapshot, events) = await _storage.ReadJournalAsync(binding.StateName, binding.GrainId, cancellationToken);
        State = snapshot is null ? new TState() : JsonSerializer.Deserialize(snapshot.Payload, StateJson)!;
        _snapshotVersion = snapshot?.Version ?? 0;
        _snapshotBytes = snapshot?.Payload.Length ?? 0;
        _eventBytesSinceSnapshot = 0;
        var version = _snapshotVersion;
        foreach (var entry in events)
        {
            State.Apply(JsonSerializer.Deserialize(entry.Payload, EventJson)!);
            _eventBytesSinceSnapshot += entry.Payload.Length;
            version = entry.Version;
        }
        Version = ConfirmedVersion = version;
    }

    public void Raise(TEvent @event)
    {
        ThrowIfFailed();
        State.Apply(@event);
        _unconfirmed.Add(@event);
        Version++;
    }

    public void AddToIndex<TItem>(string index, string key, string itemId, TItem item)
    {
        ThrowIfFailed();
        _unconfirmedIndex.Add(PendingIndexRow.Of(index, key, itemId, item));
    }

    public void AddToIndexWithSnapshot<TItem>(string index, string key, string itemId, TItem item)
    {
        ThrowIfFailed();
        _snapshotIndex[(index, key, itemId)] = PendingIndexRow.Of(index, key, itemId, item);
    }

    public Task ConfirmAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            return Task.FromException(new InconsistentStateException($"Journal {binding.StateName} of {binding.GrainId} failed to append; the activation is being dropped.", _failure));
        }
        if (_unconfirmed.Count == 0 && _unconfirmedIndex.Count == 0 && !_confirming)
        {
            return Task.CompletedTask;
        }
        var waiter = _nextConfirm ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_confirming)
        {
            _confirming = true;
            _loop = ConfirmLoopAsync();
        }
        return waiter.Task;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InconsistentStateException($"Journal {binding.StateName} of {binding.GrainId} failed to append; the activation is being dropped.", _failure);
        }
    }

    private async Task ConfirmLoopAsync()
    {
        try
        {
            while (_nextConfirm is { } batch)
            {
                _nextConfirm = null;
                var raised = _unconfirmed.ToArray();
                _unconfirmed.Clear();
                PendingIndexRow[] rows = _unconfirmedIndex.Count == 0 ? [] : [.. _unconfirmedIndex];
                _unconfirmedIndex.Clear();
                var expected = ConfirmedVersion;
                // Every raised event is in this batch, so the state is exactly the state at Version.
                var snapshot = SnapshotDue() ? JsonSerializer.SerializeToUtf8Bytes(State, StateJson) : null;
                PendingIndexRow[] snapshotRows = [];
                if (snapshot is not null)
                {
                    // Counted from here even if the write fails: a lost snapshot is retried after as many events again.
                    (_snapshotBytes, _eventBytesSinceSnapshot) = (snapshot.Length, 0);
                    snapshotRows = [.. _snapshotIndex.Values];
                }
                var snapshotVersion = Version;
                try
                {
                    // A hot grain's turns are its bottleneck: a large batch is turned into bytes on another thread.
                    var (events, index) = raised.Length + rows.Length >= OffTurnBatch
                        ? await Task.Run(() => Serialize(raised, rows))
                        : Serialize(raised, rows);
                    if (snapshot is null)
                    {
                        _eventBytesSinceSnapshot += events.Sum(e => (long)e.Length);
                    }
                    if (events.Length > 0 || index.Length > 0)
                    {
                        await _storage.AppendAsync(binding.StateName, binding.GrainId, expected, events, index, CancellationToken.None);
                    }
                    ConfirmedVersion = expected + events.Length;
                    batch.TrySetResult();
                }
                catch (Exception exception)
                {
                    // Events raised after the lost batch must never become durable without it.
                    _failure = exception;
                    batch.TrySetException(exception);
                    _nextConfirm?.TrySetException(exception);
                    _nextConfirm = null;
                    binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName);
                    binding.Activation.StateFailed(exception);
                    return;
                }
                if (snapshot is not null)
                {
                    await WriteSnapshotAsync(snapshotVersion, snapshot, snapshotRows);
                }
            }
        }
        finally
        {
            _confirming = false;
        }
    }

    private static (ReadOnlyMemory<byte>[] Events, IndexEntry[] Index) Serialize(TEvent[] raised, PendingIndexRow[] rows)
    {
        var events = new ReadOnlyMemory<byte>[raised.Length];
        for (var i = 0; i < raised.Length; i++)
        {
            events[i] = EventWriter.Serialize(raised[i]);
        }
        return (events, Entries(rows));
    }

    private static IndexEntry[] Entries(PendingIndexRow[] rows) => Array.ConvertAll(rows, row => row.ToEntry());

    private bool SnapshotDue() =>
        Version - _snapshotVersion >= binding.Activation.Runtime.Options.JournalSnapshotInterval
        && (_snapshotBytes < LargeSnapshotBytes || _eventBytesSinceSnapshot * 2 >= _snapshotBytes);

    /// <summary>
    /// Writes the snapshot with the rows waiting for it (turned into JSON off the turn when there are many); rows
    /// added again meanwhile stay for the next one, and so do all of them when the write fails.
    /// </summary>
    private async Task WriteSnapshotAsync(long version, byte[] snapshot, PendingIndexRow[] rows)
    {
        try
        {
            var index = rows.Length >= OffTurnBatch ? await Task.Run(() => Entries(rows)) : Entries(rows);
            await _storage.WriteSnapshotAsync(binding.StateName, binding.GrainId, version, snapshot, index, CancellationToken.None);
            _snapshotVersion = version;
            foreach (var row in rows)
            {
                var key = (row.Index, row.Key, row.ItemId);
                if (_snapshotIndex.TryGetValue(key, out var waiting) && ReferenceEquals(waiting.Item, row.Item))
                {
                    _snapshotIndex.Remove(key);
                }
            }
        }
        catch (Exception exception)
        {
            // The events are durable; a missed snapshot only means a longer load, and the next interval retries.
            binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName + " snapshot");
        }
    }
}
