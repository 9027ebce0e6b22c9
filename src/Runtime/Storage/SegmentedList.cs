namespace GroupBuy.Runtime.Storage;

/// <summary>
/// An append-only list in fixed segments small enough to stay off the large object heap: growing it never copies
/// what it holds, and items are changed in place through references.
/// </summary>
internal sealed class SegmentedList<T>
    where T : struct
{
    /// <summary>2,048 items a segment: under the large-object threshold for items of up to 40 bytes.</summary>
    private const int Shift = 11;
    private const int Mask = (1 << Shift) - 1;

    private readonly List<T[]> _segments = [];

    public int Count { get; private set; }

    public ref T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _segments[index >> Shift][index & Mask];
        }
    }

    /// <summary>Appends the item and answers its position.</summary>
    public int Add(in T item)
    {
        if ((Count & Mask) == 0 && Count >> Shift == _segments.Count)
        {
            _segments.Add(new T[1 << Shift]);
        }
        _segments[Count >> Shift][Count & Mask] = item;
        return Count++;
    }
}
