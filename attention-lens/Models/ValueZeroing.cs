namespace AttentionLens.Models;

/// <summary>
/// Value zeroing (Mohebbi et al. 2023; docs/methods.md#valuezeroing): in layer <paramref name="Layer"/>
/// (0-based), the value vector of token <paramref name="Token"/> is set to zero in every head
/// (bias included) before the attention mixes values, so no position can read that token's value there.
/// </summary>
public sealed record ValueZeroing(int Layer, int Token);
