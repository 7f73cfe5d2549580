namespace AttentionLens.Tokenizers.Models;

/// <summary>The merges list of a BPE tokenizer: rank = position in the list (Sennrich et al. 2016;
/// GPT-2), merged id = id of the concatenation.</summary>
public sealed class RankedMerges : IMergeTable
{
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;

    public RankedMerges(Dictionary<long, (int Rank, int Merged)> merges) => _merges = merges;

    public int Count => _merges.Count;

    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    public bool TryGetMerge(int left, int right, out int rank, out int merged)
    {
        if (_merges.TryGetValue(Key(left, right), out var m))
        {
            rank = m.Rank;
            merged = m.Merged;
            return true;
        }
        rank = merged = 0;
        return false;
    }

    /// <summary>Builds the table from merge pairs, checking both sides and the result are in the vocabulary.</summary>
    public static RankedMerges Build(IEnumerable<(string Left, string Right)> pairs, Vocabulary vocab, string? continuingPrefix, string file, string field)
    {
        var table = new Dictionary<long, (int, int)>();
        var rank = 0;
        var prefixLength = continuingPrefix?.Length ?? 0;
        foreach (var (left, right) in pairs)
        {
            var l = vocab[left] ?? throw new TokenizerException(file, $"{field}[{rank}]", $"merge \"{left} {right}\" names \"{left}\", which is not in the vocabulary. Use the merges that came with this vocabulary.");
            var r = vocab[right] ?? throw new TokenizerException(file, $"{field}[{rank}]", $"merge \"{left} {right}\" names \"{right}\", which is not in the vocabulary. Use the merges that came with this vocabulary.");
            var joined = prefixLength > 0 && right.StartsWith(continuingPrefix!, StringComparison.Ordinal)
                ? left + right[prefixLength..]
                : left + right;
            var m = vocab[joined] ?? throw new TokenizerException(file, $"{field}[{rank}]", $"merge \"{left} {right}\" produces \"{joined}\", which is not in the vocabulary.");
            table.TryAdd(Key(l, r), (rank, m));
            rank++;
        }
        return new RankedMerges(table);
    }
}
