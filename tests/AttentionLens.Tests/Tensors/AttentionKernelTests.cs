using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// <see cref="CpuKernels.Attention"/> (heads in parallel, strided GEMMs, fused scale + mask +
/// softmax) against the per-head loop on the scalar reference kernels, for every SIMD level, with
/// grouped-query heads, causal and padding masks (dtype-min, as transformers adds), both scaling
/// conventions, and 1 or 3 threads. Tolerances: probabilities 2e-6 absolute (scores are float dot
/// products of D terms summed in another order, and softmax moves by about the score error);
/// context 1e-5 absolute (T probabilities times values in [−1, 1]).
/// </summary>
public class AttentionKernelTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Fused_attention_matches_the_per_head_reference(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var rng = new Random(8);
        foreach (int threads in new[] { 1, 3 })
            foreach (var (tokens, heads, kvHeads, headDim) in new[] { (1, 2, 2, 8), (5, 4, 2, 12), (17, 4, 4, 8), (40, 6, 3, 16), (70, 2, 1, 64) })
                foreach (bool scaleQuery in new[] { false, true })
                    foreach (bool masked in new[] { false, true })
                    {
                        var kernels = new CpuKernels(threads, level);
                        var q = KernelAssert.Random(rng, tokens * heads * headDim, 2f);
                        var k = KernelAssert.Random(rng, tokens * kvHeads * headDim, 2f);
                        var v = KernelAssert.Random(rng, tokens * kvHeads * headDim);
                        float[] bias = masked ? Mask(tokens) : [];
                        float scale = 1f / MathF.Sqrt(headDim);
                        var expectedProbs = new float[heads * tokens * tokens];
                        var expectedContext = new float[tokens * heads * headDim];
                        AttentionReference.Run(ScalarReferenceKernels.Instance, q, k, v, bias, expectedProbs, expectedContext,
                            tokens, heads, kvHeads, headDim, scale, scaleQuery);
                        var probs = new float[expectedProbs.Length];
                        var context = new float[expectedContext.Length];
                        probs.AsSpan().Fill(float.NaN);
                        context.AsSpan().Fill(float.NaN);
                        kernels.Attention(q, k, v, bias, probs, context, tokens, heads, kvHeads, headDim, scale, scaleQuery);
                        string label = $"{level} threads={threads} T={tokens} H={heads} Hkv={kvHeads} D={headDim} scaleQuery={scaleQuery} masked={masked}";
                        KernelAssert.Close(expectedProbs, probs, _ => 2e-6, label + " probs");
                        KernelAssert.Close(expectedContext, context, _ => 1e-5, label + " context");
                    }
    }

    [Fact]
    public void Default_interface_implementation_is_the_reference_loop()
    {
        IKernels reference = ScalarReferenceKernels.Instance;
        var rng = new Random(2);
        var q = KernelAssert.Random(rng, 3 * 2 * 4);
        var probs = new float[2 * 9];
        var context = new float[3 * 8];
        reference.Attention(q, q, q, [], probs, context, 3, 2, 2, 4, 0.5f);
        for (int row = 0; row < 6; row++)
            Assert.Equal(1.0, probs.AsSpan(row * 3, 3).ToArray().Sum(), 5);
    }

    /// <summary>Causal (key j &gt; query i masked) plus the last key padded, with float.MinValue added
    /// as transformers does; row 0 of a one-token input is then fully masked.</summary>
    private static float[] Mask(int tokens)
    {
        var bias = new float[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
                if (j > i || j == tokens - 1) bias[i * tokens + j] = float.MinValue;
        return bias;
    }
}
