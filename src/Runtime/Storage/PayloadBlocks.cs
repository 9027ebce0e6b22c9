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

    /// <summary>Copies <paramref name="head"/> and <paramref name="tail"/>, end to end, as one payload.</summary>
    public PayloadRef Add(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        var length = head.Length + tail.Length;
        LiveBytes += length;
        Span<byte> target;
        PayloadRef at;
        if (length > blockBytes / 4)
        {
            _blocks.Add(new byte[length]);
            at = new PayloadRef(_blocks.Count - 1, 0, length);
            target = _blocks[^1];
        }
        else
        {
            if (_filling < 0 || _filled + length > blockBytes)
            {
                _blocks.Add(new byte[blockBytes]);
                (_filling, _filled) = (_blocks.Count - 1, 0);
            }
            at = new PayloadRef(_filling, _filled, length);
            target = _blocks[_filling].AsSpan(_filled, length);
            _filled += length;
        }
        head.CopyTo(target);
        tail.CopyTo(target[head.Length..]);
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
