namespace AttentionLens.Analysis;

/// <summary>Value-weighted attention (§7, Kobayashi et al. 2020).</summary>
/// <param name="Norms">Per layer, (T × T) N[l][i, j] = ‖Σ_h A[l,h][i,j] f_h(x_j)‖.</param>
/// <param name="HeadValueNorms">(L·H × T) ‖f_h(x_j)‖, row l·H + h.</param>
/// <param name="Received">(L × T) Σ_j N[l][i, j].</param>
/// <param name="Emitted">(L × T) Σ_i N[l][i, j].</param>
/// <param name="Scores">(T) the target's row of the last layer's N, normalised to sum 1.</param>
public sealed record ValueNormScores(IReadOnlyList<Matrix> Norms, Matrix HeadValueNorms, Matrix Received, Matrix Emitted, double[] Scores)
{
    /// <summary>(L·H × T) α·‖f_h(x_j)‖ for the target's query row: A[l,h][target, j]·‖f_h(x_j)‖,
    /// row l·H + h; null when not computed.</summary>
    public Matrix? TargetWeightedHeadNorms { get; init; }
}
