namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>What happens to a delimiter when a piece is split on it (Rust <c>SplitDelimiterBehavior</c>).</summary>
public enum SplitDelimiterBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
