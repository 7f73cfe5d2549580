namespace AttentionLens.Analysis;

/// <summary>How the heads of one layer are reduced to one matrix (§1).</summary>
public enum HeadReduction { Mean, Max, Min, Sum }
