namespace AttentionLens.Tensors;

/// <summary>
/// Reverse mode of the row softmax P = softmax(S): the Jacobian ∂P_j/∂S_k = P_j(δ_jk − P_k) gives
/// dS_k = P_k·(dP_k − Σ_j P_j·dP_j) per row. A masked score (bias −∞ or float.MinValue) has P = 0
/// and so gets dS = 0, as in torch (the additive mask itself is a constant). Row sums in double.
/// </summary>
public static class SoftmaxBackward
{
    /// <param name="p">(rows, cols) the softmax output.</param>
    /// <param name="dp">(rows, cols) ∂y/∂P.</param>
    /// <param name="ds">(rows, cols) receives ∂y/∂S (may alias <paramref name="dp"/>).</param>
    public static void Rows(ReadOnlySpan<float> p, ReadOnlySpan<float> dp, Span<float> ds, int rows, int cols)
    {
        KernelChecks.Vector(p.Length, rows * cols, "softmax backward p", optional: false);
        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * cols, cols);
            var gr = dp.Slice(r * cols, cols);
            var sr = ds.Slice(r * cols, cols);
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += (double)pr[j] * gr[j];
            for (int j = 0; j < cols; j++) sr[j] = (float)(pr[j] * (gr[j] - dot));
        }
    }
}
