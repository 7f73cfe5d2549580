namespace AttentionLens.Flow;

/// <summary>Edge (Layer, From) → (Layer − 1, To) of head <paramref name="Head"/> with attention
/// <paramref name="Weight"/> ≥ τ; layers are 1..L, heads and positions 0-based.</summary>
public readonly record struct AttentionEdge(int Layer, int Head, int From, int To, double Weight);
