using System.Collections.Concurrent;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// A bounded, thread-safe cache of piece → model tokens (offsets relative to the piece, in ORIGINAL
/// UTF-16 units), probed with a span so that a hit allocates nothing. Natural text repeats a small
/// set of words (Zipf), so a few thousand entries serve most pieces; once full the cache stops
/// growing (never evicts), which keeps it lock-free and its memory bounded.
/// </summary>
internal sealed class PieceCache
{
    private readonly ConcurrentDictionary<string, ModelToken[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelToken[]>.AlternateLookup<ReadOnlySpan<char>> _spans;
    private readonly int _capacity;
    private readonly int _maxPieceLength;
    private int _count;

    public PieceCache(int capacity = 50_000, int maxPieceLength = 64)
    {
        _capacity = capacity;
        _maxPieceLength = maxPieceLength;
        _spans = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> piece, out ModelToken[] tokens) => _spans.TryGetValue(piece, out tokens!);

    public void Add(ReadOnlySpan<char> piece, ModelToken[] tokens)
    {
        if (piece.Length > _maxPieceLength || Volatile.Read(ref _count) >= _capacity) return;
        if (_entries.TryAdd(piece.ToString(), tokens)) Interlocked.Increment(ref _count);
    }
}
