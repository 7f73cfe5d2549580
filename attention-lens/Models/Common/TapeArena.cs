namespace AttentionLens.Models;

/// <summary>
/// The arrays a batched gradient pass keeps (<see cref="BatchTape"/>): handed out in order by <see cref="Take"/>
/// and handed out again, in the same order, after <see cref="Reset"/>. Integrated gradients runs m/b passes of the
/// same shape, so every pass after the first reuses the first one's arrays instead of putting hundreds of
/// megabytes of short-lived arrays on the large object heap per pass (or asking <see cref="System.Buffers.ArrayPool{T}"/>
/// to hold more same-sized arrays than it caches). Contents are whatever the last pass left: only buffers the next
/// kernel overwrites completely are taken from here. One arena belongs to one call.
/// </summary>
internal sealed class TapeArena
{
    private readonly List<float[]> _arrays = [];
    private int _next;

    /// <summary>A buffer of at least <paramref name="length"/> floats, sliced to it.</summary>
    public Memory<float> Take(int length)
    {
        if (_next == _arrays.Count) _arrays.Add(new float[length]);
        else if (_arrays[_next].Length < length) _arrays[_next] = new float[length];
        return _arrays[_next++].AsMemory(0, length);
    }

    /// <summary>Starts handing out the same arrays again (the previous pass's tape is no longer read).</summary>
    public void Reset() => _next = 0;
}
