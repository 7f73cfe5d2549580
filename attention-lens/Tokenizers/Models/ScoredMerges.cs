namespace AttentionLens.Tokenizers.Models;

/// <summary>
/// SentencePiece BPE (bpe_model.cc): repeatedly merge the adjacent pair whose concatenation is a
/// vocabulary piece with the highest score (leftmost on ties). Expressed as a merge table whose
/// rank is the piece's position when pieces are sorted by descending score.
/// </summary>
public sealed class ScoredMerges : IMergeTable
{
    private readonly Dictionary<long, (int Rank, int Merged)> _merges = new();

    /// <param name="pieces">(piece, score, mergeable) per id; only mergeable pieces are merge results.</param>
    public ScoredMerges(IReadOnlyList<(string Piece, float Score, bool Mergeable)> pieces, Vocabulary vocab)
    {
        var order = Enumerable.Range(0, pieces.Count)
            .Where(i => pieces[i].Mergeable)
            .OrderByDescending(i => pieces[i].Score).ThenBy(i => i).ToArray();
        for (var rank = 0; rank < order.Length; rank++)
        {
            var id = order[rank];
            var piece = pieces[id].Piece;
            for (var k = 1; k < piece.Length; k++)
            {
                if (char.IsLowSurrogate(piece[k])) continue;
                if (vocab.TryGetId(piece.AsSpan(0, k), out var l) && vocab.TryGetId(piece.AsSpan(k), out var r))
                    _merges.TryAdd(RankedMerges.Key(l, r), (rank, id));
            }
        }
    }

    public bool TryGetMerge(int left, int right, out int rank, out int merged)
    {
        if (_merges.TryGetValue(RankedMerges.Key(left, right), out var m))
        {
            rank = m.Rank;
            merged = m.Merged;
            return true;
        }
        rank = merged = 0;
        return false;
    }
}
