using System.Numerics;

namespace AttentionLens.Models;

/// <summary>
/// Per token j, the Gram matrix G_j[h, h'] = ⟨f_h(x_j), f_h'(x_j)⟩ of one layer's value outputs
/// f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h (Kobayashi et al. 2020, eq. 6). It is all that value-weighted
/// norms need from them: ‖Σ_h a_h f_h(x_j)‖² = Σ_h Σ_h' a_h a_h' G_j[h, h']. A long input's value
/// outputs (L·H·T·C floats: 8.6·10⁹ for 2,051 tokens of Llama-3.2-1B's shape) cannot be kept; its
/// Grams (L·T·H² doubles: 269 MB there) can, computed layer by layer from one (H, T, C) buffer.
/// </summary>
internal static class ValueOutputGram
{
    /// <summary>
    /// Writes G_j for every token of one layer's value outputs <paramref name="values"/> (H, T, C) into
    /// <paramref name="gram"/> (T, H, H), symmetric. Dot products accumulate in double, Vector&lt;double&gt;
    /// lanes then a scalar tail (a different summation order than a plain loop: relative differences
    /// near 1e-15). Tokens are spread over up to <paramref name="threads"/> threads (0: every core,
    /// as <see cref="ForwardOptions.Threads"/>) when there are many.
    /// </summary>
    public static void Layer(float[] values, int heads, int tokens, int hidden, double[] gram, int gramOffset, int threads = 0)
    {
        int H = heads, C = hidden;
        Parallel.For(0, tokens, new ParallelOptions { MaxDegreeOfParallelism = tokens < 64 ? 1 : threads > 0 ? threads : -1 }, j =>
        {
            var g = gram.AsSpan(gramOffset + j * H * H, H * H);
            for (int h = 0; h < H; h++)
            {
                var fh = values.AsSpan((h * tokens + j) * C, C);
                for (int h2 = 0; h2 <= h; h2++)
                {
                    double dot = Dot(fh, values.AsSpan((h2 * tokens + j) * C, C));
                    g[h * H + h2] = dot;
                    g[h2 * H + h] = dot;
                }
            }
        });
    }

    /// <summary>Σ_c x_c·y_c in double.</summary>
    internal static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int c = 0, n = x.Length, w = Vector<float>.Count;
        var acc = Vector<double>.Zero;
        for (; c + w <= n; c += w)
        {
            Vector.Widen(new Vector<float>(x[c..]), out var xl, out var xh);
            Vector.Widen(new Vector<float>(y[c..]), out var yl, out var yh);
            acc += xl * yl + xh * yh;
        }
        double dot = Vector.Sum(acc);
        for (; c < n; c++) dot += (double)x[c] * y[c];
        return dot;
    }
}
