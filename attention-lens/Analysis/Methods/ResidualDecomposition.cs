using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// The attention block of layer l written as a sum over source tokens (Kobayashi et al. 2021;
/// docs/methods.md#alti): the pre-LayerNorm state of position i is
/// x_i + attn(x)_i = Σ_j v_ij + b_O with v_ij = Σ_h α_h[i, j] f_h(x_j) + δ_ij x_i,
/// where f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h are the captured value outputs. ALTI and GlobEnc
/// both start from these T vectors per position.
/// </summary>
public static class ResidualDecomposition
{
    /// <summary>Fills <paramref name="vectors"/> (T × C) with v_ij for query row <paramref name="i"/> of <paramref name="layer"/>.</summary>
    public static void Row(ForwardResult f, int layer, int i, Span<double> vectors)
    {
        var values = f.ValueOutputs ?? throw new AnalysisException("The forward pass captured no value outputs (ForwardResult.ValueOutputs).");
        int H = f.Heads, T = f.Tokens, C = f.Hidden;
        vectors[..(T * C)].Clear();
        var attention = f.LayerAttention(layer);
        for (int h = 0; h < H; h++)
        {
            var row = attention.Slice((h * T + i) * T, T);
            for (int j = 0; j < T; j++)
            {
                double a = row[j];
                if (a == 0) continue;
                var fx = values.AsSpan(((layer * H + h) * T + j) * C, C);
                var v = vectors.Slice(j * C, C);
                for (int c = 0; c < C; c++) v[c] += a * fx[c];
            }
        }
        // The residual connection adds x_i itself to position i's own term (δ_ij x_i).
        var x = f.HiddenStates.AsSpan((layer * T + i) * C, C);
        var own = vectors.Slice(i * C, C);
        for (int c = 0; c < C; c++) own[c] += x[c];
    }

    /// <summary>Mean and population variance of <paramref name="v"/>.</summary>
    public static (double Mean, double Variance) Moments(ReadOnlySpan<float> v)
    {
        double m = 0;
        foreach (var x in v) m += x;
        m /= v.Length;
        double s = 0;
        foreach (var x in v) s += (x - m) * (x - m);
        return (m, s / v.Length);
    }

    /// <summary>Mean of <paramref name="v"/>.</summary>
    public static double Mean(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (var x in v) m += x;
        return m / v.Length;
    }

    /// <summary>
    /// Rolls per-layer (T × T) contribution matrices M_l out: J_0 = M_0, J_l = M_l · J_{l−1}
    /// (row i of J_l: how much each input token contributes to position i after layer l).
    /// Returns the target's row after the last layer and the (L × T) rows after each layer.
    /// </summary>
    public static (double[] Final, Matrix ByLayer) Roll(IReadOnlyList<double[]> perLayer, int tokens, int target, CancellationToken cancellationToken)
    {
        int L = perLayer.Count, T = tokens;
        var byLayer = new double[L * T];
        var joint = perLayer[0].ToArray();
        var next = new double[T * T];
        joint.AsSpan(target * T, T).CopyTo(byLayer.AsSpan(0, T));
        for (int l = 1; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var m = perLayer[l];
            Array.Clear(next);
            for (int i = 0; i < T; i++)
                for (int k = 0; k < T; k++)
                {
                    double a = m[i * T + k];
                    if (a == 0) continue;
                    for (int j = 0; j < T; j++) next[i * T + j] += a * joint[k * T + j];
                }
            (joint, next) = (next, joint);
            joint.AsSpan(target * T, T).CopyTo(byLayer.AsSpan(l * T, T));
        }
        return (joint.AsSpan(target * T, T).ToArray(), new Matrix(L, T, byLayer));
    }

    /// <summary>
    /// Row <paramref name="i"/> of <paramref name="layer"/>'s (T × T) matrix into <paramref name="row"/>, from
    /// <paramref name="vectors"/> (T × C) already holding v_ij, with <paramref name="work"/> (C) as scratch.
    /// </summary>
    public delegate void LayerRow(int layer, int i, double[] vectors, double[] work, Span<double> row);

    /// <summary>
    /// The per-layer (T × T) matrices M_0..M_{L−1} that ALTI and GlobEnc build from the v_ij: rows are
    /// independent, so they run in parallel with one T·C and one C buffer per worker, and v_ij is filled
    /// (<see cref="Row"/>) before <paramref name="row"/> computes each.
    /// </summary>
    public static double[][] LayerMatrices(ForwardResult f, int layers, int tokens, CancellationToken cancellationToken, LayerRow row)
    {
        int T = tokens, C = f.Hidden;
        var perLayer = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var m = new double[T * T];
            int layer = l;
            Parallel.For(0, T, new ParallelOptions { CancellationToken = cancellationToken },
                () => (Vectors: new double[T * C], Work: new double[C]),
                (i, _, buffers) =>
                {
                    Row(f, layer, i, buffers.Vectors);
                    row(layer, i, buffers.Vectors, buffers.Work, m.AsSpan(i * T, T));
                    return buffers;
                },
                _ => { });
            perLayer[l] = m;
        }
        return perLayer;
    }
}
