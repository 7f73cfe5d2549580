namespace AttentionLens.Flow;

/// <summary>How the heads of one layer become one matrix (docs/methods.md §1): the mean (Abnar and
/// Zuidema; Ecco), the sum of a chosen subset (exBERT), the element-wise max (CircuitsVis) or min.</summary>
public enum HeadAggregate { Mean, Max, Min, Sum }
