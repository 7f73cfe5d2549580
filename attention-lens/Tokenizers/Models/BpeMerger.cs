namespace AttentionLens.Tokenizers.Models;

/// <summary>
/// Applies BPE merges to one word in O(n log n): symbols form a doubly linked list over arrays and
/// candidate pairs sit in a priority queue ordered by (rank, position), as the Rust
/// <c>Word::merge_all</c>. A popped pair is discarded when either side has changed since it was
/// queued, so every merge costs O(log n) and a 100,000-character word stays fast.
/// </summary>
internal sealed class BpeMerger
{
    private int[] _id = new int[16];
    private int[] _start = new int[16];
    private int[] _end = new int[16];
    private int[] _prev = new int[16];
    private int[] _next = new int[16];
    private readonly PriorityQueue<(int Pos, int LeftId, int RightId, int Merged), (int Rank, int Pos)> _queue = new();

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Add(int id, int start, int end)
    {
        if (Count == _id.Length)
        {
            var n = Count * 2;
            Array.Resize(ref _id, n);
            Array.Resize(ref _start, n);
            Array.Resize(ref _end, n);
            Array.Resize(ref _prev, n);
            Array.Resize(ref _next, n);
        }
        _id[Count] = id;
        _start[Count] = start;
        _end[Count] = end;
        _prev[Count] = Count - 1;
        _next[Count] = Count + 1;
        Count++;
    }

    /// <summary>Extends the last symbol to <paramref name="end"/> (fusing unknowns).</summary>
    public void ExtendLast(int end) => _end[Count - 1] = end;

    public int LastId => Count == 0 ? -1 : _id[Count - 1];

    public void MergeAll(IMergeTable merges)
    {
        if (Count < 2) return;
        _next[Count - 1] = -1;
        _queue.Clear();
        for (var i = 0; i + 1 < Count; i++) Enqueue(merges, i, i + 1);
        while (_queue.TryDequeue(out var m, out _))
        {
            var pos = m.Pos;
            if (_id[pos] != m.LeftId || _end[pos] < 0) continue;
            var right = _next[pos];
            if (right < 0 || _id[right] != m.RightId) continue;
            _id[pos] = m.Merged;
            _end[pos] = _end[right];
            _end[right] = -1;
            _id[right] = -1;
            var after = _next[right];
            _next[pos] = after;
            if (after >= 0) _prev[after] = pos;
            if (_prev[pos] >= 0) Enqueue(merges, _prev[pos], pos);
            if (after >= 0) Enqueue(merges, pos, after);
        }
    }

    private void Enqueue(IMergeTable merges, int left, int right)
    {
        if (merges.TryGetMerge(_id[left], _id[right], out var rank, out var merged))
            _queue.Enqueue((left, _id[left], _id[right], merged), (rank, left));
    }

    /// <summary>The surviving symbols in order, as (id, start, end).</summary>
    public IEnumerable<(int Id, int Start, int End)> Symbols()
    {
        for (var i = 0; i >= 0 && i < Count; i = _next[i])
            yield return (_id[i], _start[i], _end[i]);
    }
}
