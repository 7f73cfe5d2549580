namespace AttentionLens.Tensors;

/// <summary>
/// Scalar reference implementations: the specification every SIMD kernel is tested against.
/// Written for clarity, accumulating in float32 in index order (GELU's erf in double).
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
        Activation.Gelu => (float)(0.5 * v * Erfc(-v / Math.Sqrt(2.0))),
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

    /// <summary>
    /// erf to double precision (|error| &lt; 1e-14), from two classical expansions (Abramowitz &amp;
    /// Stegun 7.1.5 and 7.1.14) rather than a fitted approximation, so that it can serve as the
    /// independent reference of the vectorised erf: the Maclaurin series
    /// erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) for |x| ≤ 2.5 (at most 40 terms, cancellation
    /// costs at most 2 digits), and 1 − erfc x with Laplace's continued fraction beyond.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double z = Math.Abs(x);
        if (z <= 2.5) return ErfSeries(x);
        double r = 1.0 - ErfcContinuedFraction(z);
        return x < 0 ? -r : r;
    }

    /// <summary>erfc x = 1 − erf x to double precision, keeping its relative accuracy for large x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2.0 - Erfc(-x);
        return x <= 2.5 ? 1.0 - ErfSeries(x) : ErfcContinuedFraction(x);
    }

    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double c = term / (2 * n + 1);
            sum += c;
            if (Math.Abs(c) <= 1e-17 * Math.Abs(sum)) break;
        }

        return sum * (2.0 / Math.Sqrt(Math.PI));
    }

    /// <summary>erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (A&amp;S 7.1.14),
    /// evaluated from the 60th level back; relative error &lt; 3e-14 for x ≥ 2.5.</summary>
    private static double ErfcContinuedFraction(double x)
    {
        double f = x;
        for (int n = 60; n >= 1; n--) f = x + n * 0.5 / f;
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }
}
