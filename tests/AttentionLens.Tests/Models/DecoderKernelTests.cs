using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Models;

/// <summary>
/// The decoder kernel parameters (partial rotary, soft-capping, sliding windows, LongRoPE scaling)
/// against plain double-precision loops written from the formulas, on the SIMD kernels and the scalar
/// reference kernels alike.
/// </summary>
public sealed class DecoderKernelTests
{
    public static TheoryData<string> Kernels() => new() { "cpu", "scalar" };

    private static IKernels Get(string name) => name == "cpu" ? CpuKernels.Instance : ScalarReferenceKernels.Instance;

    private static float[] Random(int n, int seed, double scale = 1)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void PartialRotaryRotatesOnlyTheFirstFeaturesOfEachHead(string kernels)
    {
        const int t = 7, heads = 3, d = 16, rot = 4;
        var x = Random(t * heads * d, 1);
        var expected = x.ToArray();
        var inv = RopeTable.DefaultInverseFrequencies(rot, 10000);
        for (int p = 0; p < t; p++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < rot / 2; i++)
                {
                    int at = (p * heads + h) * d;
                    double angle = p * (double)inv[i], x1 = x[at + i], x2 = x[at + i + rot / 2];
                    expected[at + i] = (float)(x1 * Math.Cos(angle) - x2 * Math.Sin(angle));
                    expected[at + i + rot / 2] = (float)(x2 * Math.Cos(angle) + x1 * Math.Sin(angle));
                }
        PartialRotary.Apply(Get(kernels), x, t, heads, d, rot, new RopeTable(t, rot, 0, inv));
        TensorAssert.Close("partial rotary", expected, x, 1e-5, t, heads, d);
    }

    [Theory]
    [InlineData(64, 0.25, 16)]
    [InlineData(80, 0.4, 32)]
    [InlineData(96, 0.5, 48)]
    [InlineData(10, 0.25, 2)]
    public void RotaryDimensionTruncatesLikeTransformers(int headDim, double fraction, int expected) =>
        Assert.Equal(expected, PartialRotary.Dimension(headDim, fraction));

    [Fact]
    public void SoftCapBoundsAndKeepsSmallValues()
    {
        float[] x = [-1e6f, -30f, -0.01f, 0f, 0.01f, 29f, 1e6f];
        var capped = x.ToArray();
        SoftCap.Apply(capped, 30f);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(30 * Math.Tanh(x[i] / 30.0), capped[i], 1e-4);
            Assert.True(Math.Abs(capped[i]) <= 30f);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftCap.Apply(capped, 0f));
    }

    [Fact]
    public void SlidingWindowMasksKeysOutsideTheWindowAndPadding()
    {
        const int t = 9, w = 3;
        int[] mask = [1, 1, 1, 1, 1, 1, 1, 0, 0];
        var bias = SlidingWindowMask.CausalOrPadding(mask, t, w);
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
            {
                bool visible = j <= i && j > i - w && mask[j] == 1;
                Assert.Equal(visible ? 0f : float.MinValue, bias[i * t + j]);
            }
        Assert.Equal(AttentionMasks.CausalOrPadding(mask, t), SlidingWindowMask.CausalOrPadding(mask, t, null));
        Assert.Equal(AttentionMasks.CausalOrPadding(mask, t), SlidingWindowMask.CausalOrPadding(mask, t, t));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SoftCappedAttentionMatchesTheFormula(string kernels)
    {
        const int t = 6, heads = 4, kvHeads = 2, d = 8;
        const float scale = 0.3f, cap = 2f;
        var q = Random(t * heads * d, 2, 3);
        var k = Random(t * kvHeads * d, 3, 3);
        var v = Random(t * kvHeads * d, 4);
        var bias = SlidingWindowMask.CausalOrPadding(null, t, 4);
        var probs = new float[heads * t * t];
        var context = new float[t * heads * d];
        SoftCappedAttention.Forward(Get(kernels), q, k, v, bias, probs, context, t, heads, kvHeads, d, scale, cap);
        var expectedProbs = new float[probs.Length];
        var expectedContext = new float[context.Length];
        for (int h = 0; h < heads; h++)
        {
            int g = h / (heads / kvHeads);
            for (int i = 0; i < t; i++)
            {
                var s = new double[t];
                for (int j = 0; j < t; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double)q[i * heads * d + h * d + c] * k[j * kvHeads * d + g * d + c];
                    s[j] = cap * Math.Tanh(dot * scale / cap) + (bias[i * t + j] == 0 ? 0 : double.NegativeInfinity);
                }
                double max = s.Max(), sum = s.Sum(x => Math.Exp(x - max));
                for (int j = 0; j < t; j++) expectedProbs[(h * t + i) * t + j] = (float)(Math.Exp(s[j] - max) / sum);
                for (int c = 0; c < d; c++)
                {
                    double acc = 0;
                    for (int j = 0; j < t; j++) acc += expectedProbs[(h * t + i) * t + j] * (double)v[j * kvHeads * d + g * d + c];
                    expectedContext[i * heads * d + h * d + c] = (float)acc;
                }
            }
        }
        TensorAssert.Close("soft-capped probs", expectedProbs, probs, 1e-5, heads, t, t);
        TensorAssert.Close("soft-capped context", expectedContext, context, 1e-5, t, heads * d);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SoftCappedAttentionWithoutACapIsTheFusedKernel(string kernels)
    {
        const int t = 5, heads = 2, d = 4;
        var q = Random(t * heads * d, 5, 2);
        var k = Random(t * heads * d, 6, 2);
        var v = Random(t * heads * d, 7);
        var bias = AttentionMasks.CausalOrPadding([1, 1, 1, 1, 0], t);
        var kernel = Get(kernels);
        var probs = new float[heads * t * t];
        var context = new float[t * heads * d];
        var fusedProbs = new float[heads * t * t];
        var fusedContext = new float[t * heads * d];
        SoftCappedAttention.Forward(kernel, q, k, v, bias, probs, context, t, heads, heads, d, 0.5f, null);
        kernel.Attention(q, k, v, bias, fusedProbs, fusedContext, t, heads, heads, d, 0.5f);
        TensorAssert.Close("probs", fusedProbs, probs, 1e-6, heads, t, t);
        TensorAssert.Close("context", fusedContext, context, 1e-6, t, heads * d);
    }

    [Fact]
    public void LongRopeScalingMultipliesCosAndSin()
    {
        var inv = RopeTable.DefaultInverseFrequencies(8, 10000);
        var plain = new RopeTable(5, 8, 0, inv);
        var scaled = new RopeTable(5, 8, 0, inv, attentionScaling: 1.25f);
        for (int i = 0; i < plain.Cos.Length; i++)
        {
            Assert.Equal(plain.Cos[i] * 1.25f, scaled.Cos[i]);
            Assert.Equal(plain.Sin[i] * 1.25f, scaled.Sin[i]);
        }
        // √(1 + ln 4 / ln 32) for max 128 over original 32 (Phi3LongRoPEScaledRotaryEmbedding); 1 when not extended.
        Assert.Equal(Math.Sqrt(1 + Math.Log(4) / Math.Log(32)), AttentionLens.Models.Phi3.Phi3RopeScaling.AttentionScaling(128, 32), 1e-6);
        Assert.Equal(1f, AttentionLens.Models.Phi3.Phi3RopeScaling.AttentionScaling(4096, 4096));
    }
}
