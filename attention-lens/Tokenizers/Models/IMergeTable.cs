namespace AttentionLens.Tokenizers.Models;

/// <summary>Which adjacent pair of symbols BPE may merge, with what priority (lower first) and into which id.</summary>
public interface IMergeTable
{
    bool TryGetMerge(int left, int right, out int rank, out int merged);
}
