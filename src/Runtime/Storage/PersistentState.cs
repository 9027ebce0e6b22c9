using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// <see cref="IPersistentState{TState}"/> over an <see cref="IGrainStorage"/>. Writes are coalesced: while one
/// write is in flight, callers join the next one, which serializes the state only when it starts and so
/// carries every change made before it. A failed write, or a state the serializer refuses, drops the activation so
/// the next call reloads.
/// </summary>
internal sealed class PersistentState<TState>(StateBinding binding) : IPersistentState<TState>, IActivationState
{
    private readonly IGrainStorage _storage = binding.Services.GetRequiredKeyedService<IGrainStorage>(binding.StorageName);
    private long _version;
    /// <summary>Null until a grain adds a row: most states never do, and a million idle activations each keep one of these.</summary>
    private List<PendingIndexRow>? _unwrittenIndex;
    private bool _writing;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource? _nextWrite;
    /// <summary>Clears, and writes sealed by a clear issued after them, waiting in issue order ahead of <see cref="_nextWrite"/>.</summary>
    private Queue<Sealed>? _sealed;
    private Exception? _failure;

    private static readonly bool CanCreate = typeof(TState).IsValueType || typeof(TState).GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>Set by loading, before the grain's first turn; a fresh state is built only when nothing is stored.</summary>
    public TState State { get; set; } = default!;

    public string? Etag => _version == 0 ? null : _version.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    public Task WhenWritten() => _loop;

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _storage.ReadAsync(binding.StateName, binding.GrainId, cancellationToken);
        _version = stored?.Version ?? 0;
        RecordExists = stored?.Payload is not null;
        State = stored?.Payload is { } payload ? JsonSerializer.Deserialize<TState>(payload, StateBinding.Json)! : NewState();
    }

    public Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            // The activation is being dropped; nothing more is written from its state.
            return Task.FromException(new InconsistentStateException($"State {binding.StateName} of {binding.GrainId} failed to write earlier.", _failure));
        }
        var waiter = _nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _writing = true;
            _loop = WriteLoopAsync();
        }
        return waiter.Task;
    }

    public void AddToIndex<TItem>(string index, string key, string itemId, TItem item, IndexRowFormat<TItem>? format = null) =>
        (_unwrittenIndex ??= []).Add(PendingIndexRow.Of(index, key, itemId, item, format));

    /// <summary>
    /// Queued behind the writes issued before it, and ahead of those issued after it, so storage sees them in issue order.
    /// <see cref="State"/> is reset at once: changes made after the clear was issued are the next write's. A write still
    /// waiting to start is serialized now, so it carries only the changes made before the clear.
    /// </summary>
    public Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            return Task.FromException(new InconsistentStateException($"State {binding.StateName} of {binding.GrainId} failed to write earlier.", _failure));
        }
        var queue = _sealed ??= new();
        if (_nextWrite is { } waiting)
        {
            _nextWrite = null;
            try
            {
                queue.Enqueue(new Sealed(waiting, Serialize(), TakeIndex()));
            }
            catch (Exception exception)
            {
                queue.Enqueue(new Sealed(waiting, null, []));
                Fail(exception);
                return Task.FromException(new InconsistentStateException($"State {binding.StateName} of {binding.GrainId} failed to write earlier.", exception));
            }
        }
        var cleared = new Sealed(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null, null);
        queue.Enqueue(cleared);
        State = NewState();
        if (!_writing)
        {
            _writing = true;
            _loop = WriteLoopAsync();
        }
        return cleared.Done.Task;
    }

    /// <summary>Runs in the grain's turn (its awaits return there), one storage operation at a time, in issue order.</summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (_failure is null)
            {
                TaskCompletionSource? batch = null;
                try
                {
                    // The operations are shared by several callers (and later ones depend on them), so no caller's token may cancel one.
                    if (_sealed is { Count: > 0 } queue)
                    {
                        var operation = queue.Dequeue();
                        batch = operation.Done;
                        if (operation.Index is { } index)
                        {
                            _version = await _storage.WriteAsync(binding.StateName, binding.GrainId, operation.Payload, _version, index, CancellationToken.None);
                            RecordExists = true;
                        }
                        else
                        {
                            _version = await _storage.ClearAsync(binding.StateName, binding.GrainId, _version, CancellationToken.None);
                            RecordExists = false;
                        }
                        batch.TrySetResult();
                        continue;
                    }
                    if (_nextWrite is not { } next)
                    {
                        return;
                    }
                    batch = next;
                    _nextWrite = null;
                    // A state or row the serializer refuses fails like a write: the grain's memory holds changes that
                    // can never be stored (and the batch's rows are taken), so the activation goes and the next reloads.
                    var payload = Serialize();
                    var rows = TakeIndex();
                    _version = await _storage.WriteAsync(binding.StateName, binding.GrainId, payload, _version, rows, CancellationToken.None);
                    RecordExists = true;
                    batch.TrySetResult();
                }
                catch (Exception exception)
                {
                    Fail(exception);
                    batch?.TrySetException(exception);
                    return;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(State, StateBinding.Json);

    private IndexEntry[] TakeIndex()
    {
        IndexEntry[] index = _unwrittenIndex is { } rows ? [.. rows.Select(row => row.ToEntry())] : [];
        _unwrittenIndex = null;
        return index;
    }

    /// <summary>A write or clear failed: the memory no longer matches storage, so the activation goes and every waiting caller hears.</summary>
    private void Fail(Exception exception)
    {
        _failure = exception;
        binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName);
        // Before the callers hear: none of them may find the activation still admitting calls.
        binding.Activation.StateFailed(exception);
        while (_sealed is { Count: > 0 } queue)
        {
            queue.Dequeue().Done.TrySetException(exception);
        }
        _nextWrite?.TrySetException(exception);
        _nextWrite = null;
    }

    /// <summary>A write whose payload was taken when a clear was issued after it (<see cref="Index"/> set), or a clear.</summary>
    private sealed record Sealed(TaskCompletionSource Done, byte[]? Payload, IndexEntry[]? Index);

    private static TState NewState() => CanCreate ? Activator.CreateInstance<TState>() : default!;
}
