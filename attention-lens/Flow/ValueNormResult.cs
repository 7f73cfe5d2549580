namespace AttentionLens.Flow;

/// <summary>Value-weighted attention norms of every layer (§7).</summary>
/// <param name="Norms">(L × T × T) N[l][i, j] = ‖Σ_h A[l,h][i, j] f_h(x_j)‖, block l−1.</param>
/// <param name="HeadValueNorms">(L × H × T) ‖f_h(x_j)‖, row l·H + h (0-based l).</param>
/// <param name="Received">(L × T) Σ_j N[l][i, j] (node size of position i).</param>
/// <param name="Emitted">(L × T) Σ_i N[l][i, j] (node size of token j).</param>
public sealed record ValueNormResult(double[] Norms, double[] HeadValueNorms, double[] Received, double[] Emitted);
