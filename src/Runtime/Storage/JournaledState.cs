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
/// The store pulls each batch: a confirmation hands the store a promise of the next append
/// (<see cref="IJournalStorage.AppendWhenReadyAsync"/>), and the store cuts it when the transaction that carries it
/// starts, taking everything raised until then. So a hot grain's next batch gathers while the one before it commits,
/// and the store never waits for the grain's turn between two commits. Events and index rows are kept as objects
/// until that cut and serialized by it, on the store's thread: so they must not change once raised (records, as
/// the grains' events are). The lists a cut takes are shared with the grain's turns under one lock; the state
/// itself is only touched on the turns.
/// </para>
/// <para>
/// Snapshots are decided on the turn after a batch commits: the state is serialized there, at its current version,
/// and written once every event up to that version has committed, so a snapshot never holds an event that could
/// still be lost.
/// </para>
/// <para>
/// A snapshot's rows come from the state's row source as it is taken, and go in its commit; the source hears when it is
/// stored. Until then the events carry every change.
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

    /// <summary>A snapshot with at least this many rows turns them into bytes on a pool thread, off the grain's turn.</summary>
    private const int OffTurnRows = 8;

    /// <summary>Guards what the store's cut shares with the turns: the lists below, the pull, the cut version, the failure.</summary>
    private readonly Lock _gate = new();
    private readonly List<TEvent> _unconfirmed = [];
    private readonly List<PendingIndexRow> _unconfirmedIndex = [];
    /// <summary>Names the rows of each snapshot's commit (asked on turns only).</summary>
    private ISnapshotRowSource? _rowSource;
    /// <summary>The append handed to the store and not cut yet; the next confirmations wait for it.</summary>
    private Pull? _pull;
    /// <summary>The last append cut: what a confirmation with nothing new waits for.</summary>
    private Task _cutCommitted = Task.CompletedTask;
    /// <summary>The version after every event cut so far (committed or on its way).</summary>
    private long _cutVersion;
    private long _snapshotVersion;
    private long _snapshotBytes;
    private long _eventBytesSinceSnapshot;
    private Task _appending = Task.CompletedTask;
    private Task _snapshotting = Task.CompletedTask;
    private Exception? _failure;

    /// <summary>One append promised to the store: its callers' task, and what its cut took.</summary>
    private sealed class Pull
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The journal's version once this append commits (set by the cut).</summary>
        public long Version { get; set; }

        /// <summary>Turning the cut's events into JSON failed: nothing was written, and the journal is lost.</summary>
        public Exception? Failure { get; set; }
    }

    public TState State { get; private set; } = new();

    public long Version { get; private set; }

    public long ConfirmedVersion { get; private set; }

    public async Task WhenWritten()
    {
        // An append that commits may start a snapshot, and a snapshot may promise an append: wait until both rest.
        while (!_appending.IsCompleted || !_snapshotting.IsCompleted)
        {
            await Task.WhenAll(_appending, _snapshotting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

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
        Version = ConfirmedVersion = _cutVersion = version;
    }

    public void Raise(TEvent @event)
    {
        ThrowIfFailed();
        State.Apply(@event);
        lock (_gate)
        {
            _unconfirmed.Add(@event);
        }
        Version++;
    }

    public void AddToIndex<TItem>(string index, string key, string itemId, TItem item, IndexRowFormat<TItem>? format = null)
    {
        ThrowIfFailed();
        var row = PendingIndexRow.Of(index, key, itemId, item, format);
        lock (_gate)
        {
            _unconfirmedIndex.Add(row);
        }
    }

    public void TakeSnapshotRowsFrom(ISnapshotRowSource source) => _rowSource = source;

    public async Task<bool> TakeSnapshotAsync(CancellationToken cancellationToken = default)
    {
        // One snapshot at a time: one under way may already cover every event.
        while (!_snapshotting.IsCompleted)
        {
            await _snapshotting;
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is null && _snapshotVersion == Version)
        {
            return true;
        }
        var taken = WriteSnapshotOfNowAsync();
        _snapshotting = taken;
        return await taken;
    }

    public Task ConfirmAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            return Task.FromException(Failed());
        }
        Pull pull;
        Task previous;
        lock (_gate)
        {
            if (_pull is { } promised)
            {
                return promised.Committed.Task;
            }
            if (_unconfirmed.Count == 0 && _unconfirmedIndex.Count == 0)
            {
                return _cutCommitted;
            }
            _pull = pull = new Pull();
            previous = _cutCommitted;
        }
        _appending = AppendAsync(pull, previous);
        return pull.Committed.Task;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw Failed();
        }
    }

    private InconsistentStateException Failed() =>
        new($"Journal {binding.StateName} of {binding.GrainId} failed to append; the activation is being dropped.", _failure!);

    /// <summary>Hands the store the promise of an append and settles its callers once it has committed (on the turn).</summary>
    private async Task AppendAsync(Pull pull, Task previous)
    {
        Exception? failure = null;
        try
        {
            await _storage.AppendWhenReadyAsync(binding.StateName, binding.GrainId, previous, () => Cut(pull), CancellationToken.None);
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        failure ??= pull.Failure;
        if (failure is not null && await EarlierFailureAsync(previous) is { } earlier)
        {
            // This cut took its expected version from the append before it, which failed: the store refused it for a version
            // the journal never reached, a conflict with no cause of its own. Its callers hear what lost their events.
            failure = earlier;
        }
        if (failure is null && _failure is null)
        {
            ConfirmedVersion = pull.Version;
            pull.Committed.TrySetResult();
            if (_snapshotting.IsCompleted && SnapshotDue())
            {
                _snapshotting = SnapshotAsync();
            }
            return;
        }
        if (failure is not null && _failure is null)
        {
            // Events raised after the lost batch must never become durable without it: every later cut is refused.
            lock (_gate)
            {
                _failure = failure;
            }
            binding.Activation.Runtime.Log.StateWriteFailed(failure, binding.GrainId, binding.StateName);
            binding.Activation.StateFailed(failure);
        }
        pull.Committed.TrySetException(failure ?? _failure!);
    }

    /// <summary>How the append before a cut failed, once it has settled; null when it committed.</summary>
    private static async Task<Exception?> EarlierFailureAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return previous.Exception?.InnerException;
    }

    /// <summary>
    /// Called by the store when the transaction that carries <paramref name="pull"/> starts: takes everything raised
    /// so far. After a failure it takes nothing and expects a version the journal never reached, so the store refuses it.
    /// </summary>
    private JournalCut Cut(Pull pull)
    {
        TEvent[] raised;
        PendingIndexRow[] rows;
        long expected;
        lock (_gate)
        {
            if (ReferenceEquals(_pull, pull))
            {
                _pull = null;
            }
            _cutCommitted = pull.Committed.Task;
            expected = _cutVersion;
            if (_failure is not null)
            {
                pull.Version = expected;
                return new JournalCut(expected, [], []);
            }
            raised = [.. _unconfirmed];
            _unconfirmed.Clear();
            rows = _unconfirmedIndex.Count == 0 ? [] : [.. _unconfirmedIndex];
            _unconfirmedIndex.Clear();
            _cutVersion += raised.Length;
            pull.Version = _cutVersion;
        }
        try
        {
            var (events, bytes) = Serialize(raised);
            var index = Entries(rows);
            Interlocked.Add(ref _eventBytesSinceSnapshot, bytes);
            return new JournalCut(expected, events, index);
        }
        catch (Exception exception)
        {
            // Not the store's failure: its transaction carries other grains' writes. This journal is lost instead, and
            // the versions this cut took make every later cut fail its check.
            pull.Failure = exception;
            return new JournalCut(expected, [], []);
        }
    }

    /// <summary>The events as JSON, and their bytes counted on the way (the store's thread runs this, once per cut).</summary>
    private static (ReadOnlyMemory<byte>[] Events, long Bytes) Serialize(TEvent[] raised)
    {
        var events = new ReadOnlyMemory<byte>[raised.Length];
        long bytes = 0;
        for (var i = 0; i < raised.Length; i++)
        {
            events[i] = EventWriter.Serialize(raised[i]);
            bytes += events[i].Length;
        }
        return (events, bytes);
    }

    private static IndexEntry[] Entries(PendingIndexRow[] rows) => Array.ConvertAll(rows, row => row.ToEntry());

    private bool SnapshotDue() =>
        Version - _snapshotVersion >= binding.Activation.Runtime.Options.JournalSnapshotInterval
        && (_snapshotBytes < LargeSnapshotBytes || Interlocked.Read(ref _eventBytesSinceSnapshot) * 2 >= _snapshotBytes);

    /// <summary>
    /// Serializes the state on the turn, at its current version, and writes it once every event up to that version
    /// has committed (the append that takes them is promised now if it was not already). Another is written at once
    /// if the events committed meanwhile made one due.
    /// </summary>
    private async Task SnapshotAsync()
    {
        do
        {
            if (!await WriteSnapshotOfNowAsync())
            {
                return;
            }
        }
        while (SnapshotDue());
    }

    /// <summary>False when no snapshot was stored (the journal failed, or the write did).</summary>
    private async Task<bool> WriteSnapshotOfNowAsync()
    {
        var version = Version;
        byte[] snapshot;
        PendingIndexRow[] rows;
        try
        {
            snapshot = JsonSerializer.SerializeToUtf8Bytes(State, StateJson);
            rows = RowsOfNow(version);
        }
        catch (Exception exception)
        {
            // The committed events still hold the truth, so the journal goes on: only this snapshot is missed.
            binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName + " snapshot");
            return false;
        }
        // Counted from here even if the write fails: a lost snapshot is retried after as many events again.
        _snapshotBytes = snapshot.Length;
        Interlocked.Exchange(ref _eventBytesSinceSnapshot, 0);
        try
        {
            await ConfirmAsync();
        }
        catch (Exception)
        {
            return false; // the journal failed: the activation is being dropped, and its snapshot with it
        }
        return await WriteSnapshotAsync(version, snapshot, rows);
    }

    /// <summary>The rows the row source names as the snapshot is taken.</summary>
    private PendingIndexRow[] RowsOfNow(long version)
    {
        if (_rowSource is null)
        {
            return [];
        }
        var taken = new SnapshotRows();
        _rowSource.AddRows(taken, version);
        return [.. taken.Rows];
    }

    /// <summary>
    /// Writes the snapshot with its rows (turned into bytes off the turn when there are many) and tells the row source
    /// once it is stored; a failed write is not told, so the next snapshot carries those rows again.
    /// </summary>
    private async Task<bool> WriteSnapshotAsync(long version, byte[] snapshot, PendingIndexRow[] rows)
    {
        try
        {
            // Up to an interval's worth of rows: turned into bytes off the turn.
            var index = rows.Length >= OffTurnRows ? await Task.Run(() => Entries(rows)) : Entries(rows);
            await _storage.WriteSnapshotAsync(binding.StateName, binding.GrainId, version, snapshot, index, CancellationToken.None);
            _snapshotVersion = version;
            _rowSource?.Stored(version);
            return true;
        }
        catch (Exception exception)
        {
            // The events are durable; a missed snapshot only means a longer load, and the next interval retries.
            binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName + " snapshot");
            return false;
        }
    }
}
