namespace AttentionLens.Tensors;

/// <summary>
/// Scalar reference implementations: the specification every SIMD kernel is tested against.
/// Written for clarity, accumulating in float32 in index order.
/// </summary>
public static class ScalarKernels
{
    public static void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = bias.IsEmpty ? s : s + bias[j];
            }
    }

    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = bias.IsEmpty ? s : s + bias[j];
            }
    }

    public static void Softmax(Span<float> x, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float max = float.NegativeInfinity;
            foreach (var v in row) max = MathF.Max(max, v);
            if (float.IsNegativeInfinity(max)) { row.Fill(1f / cols); continue; }
            float sum = 0;
            for (int j = 0; j < cols; j++) { row[j] = MathF.Exp(row[j] - max); sum += row[j]; }
            for (int j = 0; j < cols; j++) row[j] /= sum;
        }
    }

    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float mean = 0;
            foreach (var v in row) mean += v;
            mean /= cols;
            float var = 0;
            foreach (var v in row) var += (v - mean) * (v - mean);
            var /= cols;
            float inv = 1f / MathF.Sqrt(var + eps);
            for (int j = 0; j < cols; j++)
                y[r * cols + j] = (row[j] - mean) * inv * gamma[j] + (beta.IsEmpty ? 0 : beta[j]);
        }
    }

    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float ms = 0;
            foreach (var v in row) ms += v * v;
            ms /= cols;
            float inv = 1f / MathF.Sqrt(ms + eps);
            for (int j = 0; j < cols; j++) y[r * cols + j] = gamma[j] * (row[j] * inv);
        }
    }

    public static void Activate(Span<float> x, Activation activation)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Activate(x[i], activation);
    }

    public static float Activate(float v, Activation activation) => activation switch
    {
        Activation.Gelu => (float)(0.5 * v * (1.0 + Erf(v / Math.Sqrt(2.0)))),
        Activation.GeluTanh => 0.5f * v * (1f + MathF.Tanh(0.7978845608028654f * (v + 0.044715f * v * v * v))),
        Activation.Relu => MathF.Max(0, v),
        Activation.Silu => v / (1f + MathF.Exp(-v)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    public static void SiluMultiply(Span<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = Activate(a[i], Activation.Silu) * b[i];
    }

    /// <summary>Rotate-half RoPE (transformers <c>apply_rotary_pos_emb</c>):
    /// out[i] = x[i]·cos − x[i+D/2]·sin, out[i+D/2] = x[i+D/2]·cos + x[i]·sin.</summary>
    public static void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
    {
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
            {
                var v = x.Slice((t * heads + h) * headDim, headDim);
                for (int i = 0; i < half; i++)
                {
                    float c = table.Cos[t * half + i], s = table.Sin[t * half + i];
                    float x1 = v[i], x2 = v[i + half];
                    v[i] = x1 * c - x2 * s;
                    v[i + half] = x2 * c + x1 * s;
                }
            }
    }

    /// <summary>erf to double precision (Abramowitz–Stegun 7.1.26 is too coarse; this uses the
    /// complementary-error-function continued expansion from Numerical Recipes §6.2, |ε| &lt; 1.2e-7
    /// relative, enough for a float32 result).</summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                   t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                   t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}
