namespace GroupBuy.Silo.Storage;

/// <summary>
/// Applies a store's schema once, before its first operation, however many callers race to it. A failed
/// attempt (the database is down) is not remembered: the next caller tries again.
/// </summary>
internal sealed class SchemaGate(Func<CancellationToken, Task> apply)
{
    private readonly Lock _lock = new();
    private Task? _applying;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var applying = Volatile.Read(ref _applying);
        if (applying is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }
        lock (_lock)
        {
            if (_applying is null || _applying.IsFaulted || _applying.IsCanceled)
            {
                // Shared by every waiting caller, so it must not die with one caller's token.
                _applying = Task.Run(() => apply(CancellationToken.None), CancellationToken.None);
            }
            applying = _applying;
        }
        return applying.WaitAsync(cancellationToken);
    }
}
