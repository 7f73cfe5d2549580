namespace AttentionLens.Tensors;

/// <summary>
/// Reverse mode of the row norms (<see cref="IKernels.LayerNorm"/>, <see cref="IKernels.RmsNorm"/>) with
/// respect to their input only — a backward pass for attributions needs activation gradients, never the
/// weights'. The forward statistics are recomputed from x (cheaper than keeping them); sums run in double.
/// Scalar by design: a norm's backward is O(T·C), beside the O(T·C²) GEMMs of the same layer.
/// </summary>
public static class NormBackward
{
    /// <summary>
    /// LayerNorm y = x̂·γ + β with x̂ = (x − μ)·r, r = (σ² + ε)^−½ (biased σ²). With g = dy·γ:
    /// dx = r·(g − mean(g) − x̂·mean(g·x̂)) (differentiate μ and σ² through x̂; Ba et al. 2016, §3).
    /// </summary>
    /// <param name="x">(rows, cols) the forward input.</param>
    /// <param name="dy">(rows, cols) ∂y/∂output.</param>
    /// <param name="dx">(rows, cols) receives ∂y/∂x (may not alias dy).</param>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols, float eps)
    {
        KernelChecks.Vector(x.Length, rows * cols, "LayerNorm backward x", optional: false);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var gr = dy.Slice(r * cols, cols);
            var dr = dx.Slice(r * cols, cols);
            double mean = 0;
            foreach (var v in xr) mean += v;
            mean /= cols;
            double var = 0;
            foreach (var v in xr) var += (v - mean) * (v - mean);
            var /= cols;
            double inv = 1.0 / Math.Sqrt(var + eps);
            double sumG = 0, sumGx = 0;
            for (int j = 0; j < cols; j++)
            {
                double g = gr[j] * (double)gamma[j];
                sumG += g;
                sumGx += g * (xr[j] - mean) * inv;
            }
            double meanG = sumG / cols, meanGx = sumGx / cols;
            for (int j = 0; j < cols; j++)
            {
                double xhat = (xr[j] - mean) * inv;
                dr[j] = (float)(inv * (gr[j] * (double)gamma[j] - meanG - xhat * meanGx));
            }
        }
    }

    /// <summary>
    /// RMSNorm y = γ·x·r, r = (mean(x²) + ε)^−½ (Zhang &amp; Sennrich 2019, eq. 4). With g = dy·γ:
    /// dx = r·g − x·r³·mean(g·x). <paramref name="gammaOffset"/> adds a constant to γ (Gemma's 1 + w).
    /// </summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols, float eps, float gammaOffset = 0f)
    {
        KernelChecks.Vector(x.Length, rows * cols, "RmsNorm backward x", optional: false);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var gr = dy.Slice(r * cols, cols);
            var dr = dx.Slice(r * cols, cols);
            double ms = 0;
            foreach (var v in xr) ms += (double)v * v;
            ms /= cols;
            double inv = 1.0 / Math.Sqrt(ms + eps);
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += gr[j] * ((double)gamma[j] + gammaOffset) * xr[j];
            double k = inv * inv * inv * dot / cols;
            for (int j = 0; j < cols; j++)
                dr[j] = (float)(inv * gr[j] * ((double)gamma[j] + gammaOffset) - xr[j] * k);
        }
    }
}
