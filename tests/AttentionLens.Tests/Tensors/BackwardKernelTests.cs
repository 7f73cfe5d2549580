using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// The backward kernels (<see cref="NormBackward"/>, <see cref="ActivationBackward"/>, <see cref="SoftmaxBackward"/>,
/// <see cref="RopeBackward"/>, <see cref="AttentionBackward"/>) against central finite differences of the scalar
/// forward kernels (<see cref="ScalarKernels"/>, <see cref="ScalarReferenceKernels"/>): for y = Σ w·f(x) with random
/// w, ∂y/∂x_j ≈ (y(x + h e_j) − y(x − h e_j)) / 2h with h = 1e-3 (float32 forward, sums in double: rounding
/// costs about 1e-7·|y|/h ≈ 1e-4·|y|, truncation h²·f‴ ≈ 1e-6). Tolerance 2e-3 × the largest analytic
/// gradient + 1e-4. Row lengths 1…9 and 33 cover every tail of the kernels' loops. The backward kernels
/// are scalar only (no SIMD variant exists yet, so none needs its own comparison).
/// </summary>
public sealed class BackwardKernelTests
{
    private const double Step = 1e-3;

    private static float[] Random(Random rng, int n, double scale = 1.0, double minMagnitude = 0)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double v;
            do v = (rng.NextDouble() * 2 - 1) * scale; while (Math.Abs(v) < minMagnitude);
            x[i] = (float)v;
        }
        return x;
    }

    private static double Objective(float[] output, float[] w)
    {
        double s = 0;
        for (int i = 0; i < output.Length; i++) s += (double)output[i] * w[i];
        return s;
    }

    /// <summary>Compares <paramref name="analytic"/> with central differences of y(x) = Σ w·forward(x).</summary>
    private static void CheckGradient(string what, float[] x, Func<float[], float[]> forward, float[] w, ReadOnlySpan<float> analytic)
    {
        double max = 0;
        foreach (var g in analytic) max = Math.Max(max, Math.Abs(g));
        double tolerance = 2e-3 * max + 1e-4;
        for (int j = 0; j < x.Length; j++)
        {
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[j] = (float)(x[j] + Step);
            minus[j] = (float)(x[j] - Step);
            double fd = (Objective(forward(plus), w) - Objective(forward(minus), w)) / ((double)plus[j] - minus[j]);
            Assert.True(Math.Abs(fd - analytic[j]) <= tolerance,
                $"{what}: ∂y/∂x[{j}] = {analytic[j]:G6}, finite difference {fd:G6} (tolerance {tolerance:G3})");
        }
    }

    public static TheoryData<int> Widths() => [1, 2, 3, 4, 5, 6, 7, 8, 9, 33];

    [Theory]
    [MemberData(nameof(Widths))]
    public void LayerNormBackwardMatchesFiniteDifferences(int cols)
    {
        var rng = new Random(cols);
        int rows = 3;
        var x = Random(rng, rows * cols, 2);
        var gamma = Random(rng, cols);
        var beta = Random(rng, cols);
        var w = Random(rng, rows * cols);
        var dx = new float[x.Length];
        NormBackward.LayerNorm(x, gamma, w, dx, rows, cols, 1e-5f);
        CheckGradient("LayerNorm", x, v =>
        {
            var y = new float[v.Length];
            ScalarKernels.LayerNorm(v, gamma, beta, y, rows, cols, 1e-5f);
            return y;
        }, w, dx);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void RmsNormBackwardMatchesFiniteDifferences(int cols)
    {
        var rng = new Random(100 + cols);
        int rows = 3;
        var x = Random(rng, rows * cols, 2, 0.1);
        var gamma = Random(rng, cols);
        var w = Random(rng, rows * cols);
        var dx = new float[x.Length];
        NormBackward.RmsNorm(x, gamma, w, dx, rows, cols, 1e-6f);
        CheckGradient("RmsNorm", x, v =>
        {
            var y = new float[v.Length];
            ScalarKernels.RmsNorm(v, gamma, y, rows, cols, 1e-6f);
            return y;
        }, w, dx);
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Silu)]
    public void ActivationBackwardMatchesFiniteDifferences(Activation activation)
    {
        var rng = new Random((int)activation);
        // ReLU's kink at 0 is kept out of the differences' reach.
        var x = Random(rng, 33, 4, minMagnitude: 0.01);
        var w = Random(rng, 33);
        var dx = (float[])w.Clone();
        ActivationBackward.Apply(x, dx, activation);
        CheckGradient(activation.ToString(), x, v =>
        {
            var y = (float[])v.Clone();
            ScalarKernels.Activate(y, activation);
            return y;
        }, w, dx);
    }

    [Fact]
    public void GeluDerivativeMatchesTheErfcSeriesReference()
    {
        // A&S 7.1.26's erf (|error| ≤ 1.5e-7) against the double-precision series, over the range that matters.
        for (double x = -9; x <= 9; x += 0.01)
            Assert.True(Math.Abs(ActivationBackward.Derivative(x, Activation.Gelu) - ActivationBackward.DerivativeReference(x, Activation.Gelu)) < 2e-7, $"x = {x}");
    }

    [Fact]
    public void SiluMultiplyBackwardMatchesFiniteDifferences()
    {
        var rng = new Random(7);
        var a = Random(rng, 17, 4);
        var b = Random(rng, 17, 2);
        var w = Random(rng, 17);
        var da = new float[17];
        var db = new float[17];
        ActivationBackward.SiluMultiply(a, b, w, da, db);
        CheckGradient("SiluMultiply ∂a", a, v =>
        {
            var y = (float[])v.Clone();
            ScalarKernels.SiluMultiply(y, b);
            return y;
        }, w, da);
        CheckGradient("SiluMultiply ∂b", b, v =>
        {
            var y = (float[])a.Clone();
            ScalarKernels.SiluMultiply(y, v);
            return y;
        }, w, db);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LinearBackwardMatchesTheScalarProductOnBothPaths(bool bf16)
    {
        // Rows 1–4 take the row-wise sum (sparse seeds), 5–6 the GEMM; both equal dY·W by ScalarKernels.MatMul.
        var rng = new Random(bf16 ? 2 : 1);
        int inFeatures = 11, outFeatures = 37;
        var w = Random(rng, outFeatures * inFeatures);
        var data = WeightData.FromFloat32(w);
        if (bf16)
        {
            var bits = w.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
            data = WeightData.From16Bit(bits, WeightElementType.BFloat16);
            w = bits.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray();
        }
        var linear = AttentionLens.Models.Linear.FromWeights(data, ReadOnlyMemory<float>.Empty, inFeatures, outFeatures);
        for (int rows = 1; rows <= 6; rows++)
        {
            var dy = Random(rng, rows * outFeatures);
            dy[0] = 0; // a zero seed entry is skipped by the row-wise path
            var expected = new float[rows * inFeatures];
            ScalarKernels.MatMul(dy, w, ReadOnlySpan<float>.Empty, expected, rows, outFeatures, inFeatures);
            var actual = new float[rows * inFeatures];
            linear.Backward(CpuKernels.Instance, dy, actual, rows);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"rows {rows}, [{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void TanhBackwardMatchesFiniteDifferences()
    {
        var rng = new Random(8);
        var x = Random(rng, 9, 3);
        var w = Random(rng, 9);
        var y = x.Select(MathF.Tanh).ToArray();
        var dx = (float[])w.Clone();
        ActivationBackward.TanhFromOutput(y, dx);
        CheckGradient("tanh", x, v => v.Select(MathF.Tanh).ToArray(), w, dx);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void SoftmaxBackwardMatchesFiniteDifferencesWithMasking(int cols)
    {
        var rng = new Random(200 + cols);
        int rows = 3;
        var s = Random(rng, rows * cols, 3);
        // Mask every third score with the dtype minimum, as the attention masks do (never a whole row).
        var bias = new float[rows * cols];
        for (int i = 1; i < bias.Length; i += 3) bias[i] = float.MinValue;
        var w = Random(rng, rows * cols);
        float[] Forward(float[] v)
        {
            var p = new float[v.Length];
            for (int i = 0; i < v.Length; i++) p[i] = v[i] + bias[i];
            ScalarKernels.Softmax(p, rows, cols);
            return p;
        }
        var ds = new float[s.Length];
        SoftmaxBackward.Rows(Forward(s), w, ds, rows, cols);
        CheckGradient("softmax", s, Forward, w, ds);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(8, 4)]
    [InlineData(6, 2)]
    public void RopeBackwardMatchesFiniteDifferences(int headDim, int rotaryDim)
    {
        var rng = new Random(headDim * 10 + rotaryDim);
        int tokens = 5, heads = 2;
        var table = new RopeTable(tokens, rotaryDim, 10000.0, attentionScaling: 1.2f);
        var x = Random(rng, tokens * heads * headDim);
        var w = Random(rng, x.Length);
        var dx = (float[])w.Clone();
        RopeBackward.Apply(dx, tokens, heads, headDim, rotaryDim, table);
        CheckGradient("RoPE", x, v =>
        {
            var y = (float[])v.Clone();
            PartialRotary.Apply(ScalarReferenceKernels.Instance, y, tokens, heads, headDim, rotaryDim, table);
            return y;
        }, w, dx);
    }

    [Theory]
    [InlineData(4, 4, false, null)]    // multi-head, bidirectional
    [InlineData(4, 2, true, null)]     // grouped-query, causal
    [InlineData(4, 1, true, 2.0f)]     // multi-query, causal, soft-capped scores
    public void AttentionBackwardMatchesFiniteDifferences(int heads, int kvHeads, bool causal, float? softCap)
    {
        var rng = new Random(heads * 7 + kvHeads);
        int t = 5, d = 3;
        float scale = 1f / MathF.Sqrt(d);
        var q = Random(rng, t * heads * d, 1.5);
        var k = Random(rng, t * kvHeads * d, 1.5);
        var v = Random(rng, t * kvHeads * d);
        var bias = causal ? AttentionLens.Models.AttentionMasks.CausalOrPadding(null, t) : new float[t * t];
        var w = Random(rng, t * heads * d);
        (float[] Probs, float[] Context) Forward(float[] qq, float[] kk, float[] vv)
        {
            var probs = new float[heads * t * t];
            var context = new float[t * heads * d];
            if (softCap is float cap)
            {
                // Gemma 2: scores = cap·tanh(s·QKᵀ / cap) + mask, per head.
                for (int h = 0; h < heads; h++)
                {
                    int g = h / (heads / kvHeads);
                    for (int i = 0; i < t; i++)
                        for (int j = 0; j < t; j++)
                        {
                            float s = 0;
                            for (int e = 0; e < d; e++) s += qq[i * heads * d + h * d + e] * kk[j * kvHeads * d + g * d + e];
                            probs[h * t * t + i * t + j] = MathF.Tanh(s * scale / cap) * cap + bias[i * t + j];
                        }
                    ScalarKernels.Softmax(probs.AsSpan(h * t * t, t * t), t, t);
                    for (int i = 0; i < t; i++)
                        for (int e = 0; e < d; e++)
                        {
                            float s = 0;
                            for (int j = 0; j < t; j++) s += probs[h * t * t + i * t + j] * vv[j * kvHeads * d + g * d + e];
                            context[i * heads * d + h * d + e] = s;
                        }
                }
            }
            else
            {
                ((IKernels)ScalarReferenceKernels.Instance).Attention(qq, kk, vv, bias, probs, context, t, heads, kvHeads, d, scale);
            }
            return (probs, context);
        }
        var (p, _) = Forward(q, k, v);
        var dProbs = new float[p.Length];
        var dq = new float[q.Length];
        var dk = new float[k.Length];
        var dv = new float[v.Length];
        AttentionBackward.Backward(ScalarReferenceKernels.Instance, q, k, v, p, w, dProbs, dq, dk, dv, t, heads, kvHeads, d, scale, softCap);
        CheckGradient("attention ∂q", q, x => Forward(x, k, v).Context, w, dq);
        CheckGradient("attention ∂k", k, x => Forward(q, x, v).Context, w, dk);
        CheckGradient("attention ∂v", v, x => Forward(q, k, x).Context, w, dv);
        // ∂y/∂P: y = Σ w·(P V) is linear in P, so dP = dC Vᵀ exactly; check one head's entries directly.
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
            {
                double expected = 0;
                for (int e = 0; e < d; e++) expected += (double)w[i * heads * d + e] * v[j * kvHeads * d + e];
                Assert.Equal(expected, dProbs[i * t + j], 5);
            }
    }
}
