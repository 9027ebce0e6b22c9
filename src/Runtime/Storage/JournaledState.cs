using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// <see cref="IJournaledState{TState, TEvent}"/> over an <see cref="IJournalStorage"/>: events are appended,
/// snapshots are written at growing gaps (see <see cref="SnapshotDue"/>), and
/// loading reads the snapshot plus the events after it. Confirmations are coalesced like state writes.
/// </summary>
internal sealed class JournaledState<TState, TEvent>(StateBinding binding) : IJournaledState<TState, TEvent>, IActivationState
    where TState : class, IEventSourced<TEvent>, new()
{
    private readonly IJournalStorage _storage = binding.Services.GetRequiredKeyedService<IJournalStorage>(binding.StorageName);
    private readonly List<ReadOnlyMemory<byte>> _unconfirmed = [];
    private long _snapshotVersion;
    private bool _confirming;
    private TaskCompletionSource? _nextConfirm;
    private Exception? _failure;

    public TState State { get; private set; } = new();

    public long Version { get; private set; }

    public long ConfirmedVersion { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _storage.ReadSnapshotAsync(binding.StateName, binding.GrainId, cancellationToken);
        State = snapshot is null ? new TState() : JsonSerializer.Deserialize<TState>(snapshot.Payload, StateBinding.Json)!;
        _snapshotVersion = snapshot?.Version ?? 0;
        var version = _snapshotVersion;
        foreach (var entry in await _storage.ReadEventsAsync(binding.StateName, binding.GrainId, version, cancellationToken))
        {
            State.Apply(JsonSerializer.Deserialize<TEvent>(entry.Payload, StateBinding.Json)!);
            version = entry.Version;
        }
        Version = ConfirmedVersion = version;
    }

    public void Raise(TEvent @event)
    {
        ThrowIfFailed();
        State.Apply(@event);
        _unconfirmed.Add(JsonSerializer.SerializeToUtf8Bytes(@event, StateBinding.Json));
        Version++;
    }

    public Task ConfirmAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            return Task.FromException(new InconsistentStateException($"Journal {binding.StateName} of {binding.GrainId} failed to append; the activation is being dropped.", _failure));
        }
        if (_unconfirmed.Count == 0 && !_confirming)
        {
            return Task.CompletedTask;
        }
        var waiter = _nextConfirm ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_confirming)
        {
            _confirming = true;
            _ = ConfirmLoopAsync();
        }
        return waiter.Task;
    }

    /// <summary>
    /// A snapshot costs the whole state, which grows with the journal; so the gap between snapshots grows with it
    /// (at least the configured interval, at least the version of the last snapshot). Each event then pays a
    /// constant share of snapshotting, and a load replays at most about half the journal after its snapshot.
    /// </summary>
    private bool SnapshotDue() =>
        Version - _snapshotVersion >= Math.Max(binding.Activation.Runtime.Options.JournalSnapshotInterval, _snapshotVersion);

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
                var events = _unconfirmed.ToArray();
                _unconfirmed.Clear();
                var expected = ConfirmedVersion;
                // Every raised event is in this batch, so the state is exactly the state at Version.
                var snapshot = SnapshotDue() ? JsonSerializer.SerializeToUtf8Bytes(State, StateBinding.Json) : null;
                var snapshotVersion = Version;
                try
                {
                    if (events.Length > 0)
                    {
                        await _storage.AppendAsync(binding.StateName, binding.GrainId, expected, events, CancellationToken.None);
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
                    await WriteSnapshotAsync(snapshotVersion, snapshot);
                }
            }
        }
        finally
        {
            _confirming = false;
        }
    }

    private async Task WriteSnapshotAsync(long version, byte[] snapshot)
    {
        try
        {
            await _storage.WriteSnapshotAsync(binding.StateName, binding.GrainId, version, snapshot, CancellationToken.None);
            _snapshotVersion = version;
        }
        catch (Exception exception)
        {
            // The events are durable; a missed snapshot only means a longer load, and the next interval retries.
            binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName + " snapshot");
        }
    }
}
