using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// A durable store keeping grain states, event journals, grain index rows and reminders in one database, with group
/// commit. Disposing it commits what is already queued and then stops.
/// </summary>
public interface IDurableGrainStore : IGrainStorage, IJournalStorage, IGrainIndex, IReminderTable, IStorageProbe, IAsyncDisposable
{
    /// <summary>Applies the schema (idempotently) now; otherwise the first operation does it.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
