namespace AttentionLens.Analysis;

/// <summary>An edge of a traced attention graph (§6): in layer <paramref name="Layer"/> (1..L),
/// head <paramref name="Head"/>, position <paramref name="From"/> (node (l, i)) attends to
/// position <paramref name="To"/> (node (l−1, j)) with attention <paramref name="Weight"/> ≥ τ.</summary>
public sealed record TracedEdge(int Layer, int Head, int From, int To, double Weight);
