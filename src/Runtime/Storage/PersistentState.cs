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

    public void AddToIndex<TItem>(string index, string key, string itemId, TItem item) =>
        (_unwrittenIndex ??= []).Add(PendingIndexRow.Of(index, key, itemId, item));

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        if (_writing)
        {
            await WriteStateAsync(cancellationToken);
        }
        _version = await _storage.ClearAsync(binding.StateName, binding.GrainId, _version, cancellationToken);
        RecordExists = false;
        State = NewState();
    }

    /// <summary>Runs in the grain's turn (its awaits return there), one write at a time.</summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            while (_nextWrite is { } batch)
            {
                _nextWrite = null;
                try
                {
                    // A state or row the serializer refuses fails like a write: the grain's memory holds changes that
                    // can never be stored (and the batch's rows are taken), so the activation goes and the next reloads.
                    var payload = JsonSerializer.SerializeToUtf8Bytes(State, StateBinding.Json);
                    IndexEntry[] index = _unwrittenIndex is { } rows ? [.. rows.Select(row => row.ToEntry())] : [];
                    _unwrittenIndex = null;
                    // The write is shared by several callers, so no one caller's token may cancel it.
                    _version = await _storage.WriteAsync(binding.StateName, binding.GrainId, payload, _version, index, CancellationToken.None);
                    RecordExists = true;
                    batch.TrySetResult();
                }
                catch (Exception exception)
                {
                    _failure = exception;
                    binding.Activation.Runtime.Log.StateWriteFailed(exception, binding.GrainId, binding.StateName);
                    // Before the callers hear: none of them may find the activation still admitting calls.
                    binding.Activation.StateFailed(exception);
                    batch.TrySetException(exception);
                    _nextWrite?.TrySetException(exception);
                    _nextWrite = null;
                    return;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private static TState NewState() => CanCreate ? Activator.CreateInstance<TState>() : default!;
}
