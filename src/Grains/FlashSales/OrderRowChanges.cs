using GroupBuy.Runtime.Storage;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// Which orders' rows the ledger's next snapshot must write, kept as numbers: every order placed since the last stored
/// snapshot (the sequences above a mark), and the older orders changed since (each with the journal version of its
/// last change). The rows themselves are made from the order book as the snapshot is taken. A sale that never reaches
/// a snapshot (one of ten thousand small ones) would otherwise keep an object per order for its whole life, and every
/// purchase would leave the collector one more to promote.
/// </summary>
internal sealed class OrderRowChanges(string saleId, FlashSaleLedger ledger) : ISnapshotRowSource
{
    /// <summary>Every order up to this sequence has its row as it stood at the last stored snapshot, unless changed since.</summary>
    private long _storedThrough;
    private readonly Dictionary<long, long> _changed = [];
    /// <summary>The snapshot being written: its journal version and the highest sequence its rows reach.</summary>
    private (long Version, long Through) _taken = (-1, 0);

    /// <summary>After a load: every order the sale holds has its row, except those the replay changed (mark them too).</summary>
    public void StoredThroughNow() => _storedThrough = ledger.LastSequence;

    /// <summary>An order changed by the event raised at journal version <paramref name="journalVersion"/>.</summary>
    public void Changed(long sequence, long journalVersion) => _changed[sequence] = journalVersion;

    public void AddRows(SnapshotRows rows, long version)
    {
        foreach (var sequence in _changed.Keys)
        {
            if (sequence <= _storedThrough)
            {
                Add(rows, sequence);
            }
        }
        var through = ledger.LastSequence;
        for (var sequence = _storedThrough + 1; sequence <= through; sequence++)
        {
            Add(rows, sequence);
        }
        _taken = (version, through);
    }

    public void Stored(long version)
    {
        if (_taken.Version != version)
        {
            return;
        }
        _storedThrough = Math.Max(_storedThrough, _taken.Through);
        foreach (var (sequence, changedAt) in _changed)
        {
            if (changedAt <= version)
            {
                _changed.Remove(sequence);   // a change made while the snapshot was written stays for the next one
            }
        }
    }

    private void Add(SnapshotRows rows, long sequence)
    {
        if (ledger.OrderAt(sequence) is { } order)
        {
            rows.Add(FlashSaleLedger.OrderRows, saleId, order.Id, order, FlashOrderRows.Format);
        }
    }
}
