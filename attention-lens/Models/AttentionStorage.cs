namespace AttentionLens.Models;

/// <summary>How a forward pass keeps per-head attention probabilities (<see cref="AttentionStore"/>).</summary>
public enum AttentionStorage
{
    /// <summary>float32, exact: one (L, H, T, T) array when it fits one .NET array (every input of
    /// ordinary length), else one (H, T, T) array per layer.</summary>
    Float32,

    /// <summary>IEEE half precision, one (H, T, T) array per layer, half the bytes of float32. A
    /// probability p ∈ [0, 1] keeps |p̃ − p| ≤ 2⁻¹¹·p for p ≥ 2⁻¹⁴ (11 significant bits), and
    /// ≤ 2⁻²⁵ below it (the subnormal spacing 2⁻²⁴, rounded to nearest). For long inputs whose
    /// float32 attention would not fit in memory.</summary>
    Float16,
}
