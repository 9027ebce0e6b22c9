namespace GroupBuy.Runtime.Storage;

/// <summary>Where a payload lives in <see cref="PayloadBlocks"/>.</summary>
internal readonly record struct PayloadRef(int Block, int Offset, int Length);

/// <summary>
/// Payloads copied end to end into large byte blocks, so that millions of them are a few objects to the collector
/// rather than an array each. Blocks are only ever appended to: a payload replaced or dropped is counted as dead,
/// and <see cref="CompactionDue"/> says when the live ones are worth copying into fresh blocks.
/// </summary>
internal sealed class PayloadBlocks(int blockBytes = PayloadBlocks.DefaultBlockBytes)
{
    public const int DefaultBlockBytes = 1 << 20;

    private readonly List<byte[]> _blocks = [];
    /// <summary>The block being filled, and how much of it is; payloads too big to share one get a block to themselves.</summary>
    private int _filling = -1;
    private int _filled;

    public long LiveBytes { get; private set; }

    public long DeadBytes { get; private set; }

    /// <summary>Dead bytes outweigh the live ones (and are more than a few blocks): copying the live ones is then cheaper than keeping both.</summary>
    public bool CompactionDue => DeadBytes > LiveBytes && DeadBytes > 4L * blockBytes;

    public PayloadRef Add(ReadOnlySpan<byte> payload)
    {
        LiveBytes += payload.Length;
        if (payload.Length > blockBytes / 4)
        {
            _blocks.Add(payload.ToArray());
            return new PayloadRef(_blocks.Count - 1, 0, payload.Length);
        }
        if (_filling < 0 || _filled + payload.Length > blockBytes)
        {
            _blocks.Add(new byte[blockBytes]);
            (_filling, _filled) = (_blocks.Count - 1, 0);
        }
        payload.CopyTo(_blocks[_filling].AsSpan(_filled));
        var at = new PayloadRef(_filling, _filled, payload.Length);
        _filled += payload.Length;
        return at;
    }

    public ReadOnlySpan<byte> Get(PayloadRef at) => _blocks[at.Block].AsSpan(at.Offset, at.Length);

    /// <summary>The payload is no longer referenced: its bytes stay until the next compaction.</summary>
    public void Release(PayloadRef at)
    {
        LiveBytes -= at.Length;
        DeadBytes += at.Length;
    }
}
