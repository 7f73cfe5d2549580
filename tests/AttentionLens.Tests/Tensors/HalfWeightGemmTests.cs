using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// Products with 16-bit weights (bf16, f16 kept as stored: <see cref="WeightMatrix"/> over
/// <see cref="WeightData.From16Bit"/>). The kernels widen each panel or row block exactly and sum in
/// the same order as for float32, so the result must equal, bitwise, the float32 product of the
/// widened weights through the same kernels — which <see cref="GemmTests"/> checks against the scalar
/// reference — and is also checked here against <see cref="ScalarKernels"/> directly. Every
/// instruction-set level, both layouts, the small-rows path (m ≤ 24) and the blocked GEMM, tails
/// of every tile dimension, k across slices (KC = 256), n across column blocks (NC = 512), one and
/// two threads.
/// </summary>
public class HalfWeightGemmTests
{
    private static readonly (int M, int K, int N)[] Shapes =
        [(1, 7, 5), (2, 33, 9), (3, 257, 17), (24, 64, 70), (25, 7, 5), (30, 257, 33), (64, 300, 70), (40, 513, 1), (9, 40, 1045), (128, 520, 600)];

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Sixteen_bit_weights_give_the_float32_product_of_the_widened_weights(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var rng = new Random(23);
        foreach (var type in new[] { WeightElementType.BFloat16, WeightElementType.Float16 })
            foreach (int threads in new[] { 1, 2 })
            {
                var kernels = new CpuKernels(threads, level);
                foreach (var (m, k, n) in Shapes)
                    foreach (bool nByK in new[] { true, false })
                    {
                        var a = KernelAssert.Random(rng, m * k);
                        var bits = Enumerable.Range(0, k * n).Select(_ => Small(rng, type)).ToArray();
                        var wide = new float[bits.Length];
                        HalfWidening.Reference(bits, wide, type);
                        var bias = (m + n) % 2 == 0 ? KernelAssert.Random(rng, n) : [];
                        string what = $"{level} {type} threads={threads} {m}×{k}×{n} {(nByK ? "n×k" : "k×n")}";

                        var expected = new float[m * n];
                        if (nByK) kernels.MatMulTransposed(a, wide, bias, expected, m, k, n);
                        else kernels.MatMul(a, wide, bias, expected, m, k, n);
                        var w = new WeightMatrix(WeightData.From16Bit(bits, type), nByK, k, n);
                        var actual = new float[m * n];
                        kernels.MatMul(a, w, bias, actual, m);
                        KernelAssert.Equal(expected, actual, what);
                        Assert.Same(w, w.GetOrAddPacked(x => x)); // never packed as a whole

                        var reference = new float[m * n];
                        if (nByK) ScalarKernels.MatMulTransposed(a, wide, bias, reference, m, k, n);
                        else ScalarKernels.MatMul(a, wide, bias, reference, m, k, n);
                        KernelAssert.Close(reference, actual, _ => 1e-5 * k + 1e-6, what + " vs scalar");
                    }
            }
    }

    [Fact]
    public void The_default_backend_path_widens_a_copy()
    {
        var bits = new ushort[] { 0x3F80, 0x4000, 0xC040, 0x0000 }; // bf16 1, 2, −3, 0
        var w = new WeightMatrix(WeightData.From16Bit(bits, WeightElementType.BFloat16), isNByK: true, 2, 2);
        Assert.Equal(new[] { 1f, 2f, -3f, 0f }, w.Values.ToArray());
    }

    /// <summary>A finite 16-bit value of moderate size (|x| ≤ 4), so sums stay well-conditioned.</summary>
    private static ushort Small(Random rng, WeightElementType type)
    {
        float x = (float)(rng.NextDouble() * 2 - 1);
        return type == WeightElementType.BFloat16
            ? (ushort)(BitConverter.SingleToInt32Bits(x) >> 16)
            : BitConverter.HalfToUInt16Bits((Half)x);
    }
}
