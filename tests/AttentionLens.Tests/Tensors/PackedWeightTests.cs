using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// Weights packed once (<see cref="WeightMatrix"/>, <see cref="PackedMatrix"/>) against the GEMM
/// that packs on every call (itself tested against the scalar reference in <see cref="GemmTests"/>).
/// Packing only moves values, and the micro-kernel sums in the same order, so the results must be
/// bitwise equal — at every instruction-set level, both weight layouts, shapes across k slices
/// (KC = 256) and column blocks (NC = 512), panel edges, one and two threads.
/// </summary>
public class PackedWeightTests
{
    private static readonly (int M, int K, int N)[] Shapes =
        [(25, 7, 5), (30, 257, 33), (64, 300, 70), (40, 513, 1), (128, 768, 600), (33, 64, 1045)];

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Packed_products_equal_the_per_call_packing_bitwise(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var rng = new Random(17);
        foreach (int threads in new[] { 1, 2 })
        {
            var kernels = new CpuKernels(threads, level);
            foreach (var (m, k, n) in Shapes)
                foreach (bool nByK in new[] { true, false })
                {
                    var a = KernelAssert.Random(rng, m * k);
                    var values = KernelAssert.Random(rng, k * n);
                    var bias = (m + n) % 2 == 0 ? KernelAssert.Random(rng, n) : [];
                    var expected = new float[m * n];
                    if (nByK) kernels.MatMulTransposed(a, values, bias, expected, m, k, n);
                    else kernels.MatMul(a, values, bias, expected, m, k, n);

                    var w = new WeightMatrix(values, nByK, k, n);
                    var actual = new float[m * n];
                    kernels.MatMul(a, w, bias, actual, m);
                    string what = $"{level} threads={threads} {m}×{k}×{n} {(nByK ? "n×k" : "k×n")}";
                    KernelAssert.Equal(expected, actual, what);
                    var packed = Assert.IsType<PackedMatrix>(w.GetOrAddPacked(_ => throw new InvalidOperationException("packed twice")));
                    Assert.Equal(level, packed.Level);

                    Array.Clear(actual);
                    kernels.MatMul(a, w, bias, actual, m); // the second call reuses the packed copy
                    KernelAssert.Equal(expected, actual, what + " (reused)");
                }
        }
    }

    [Fact]
    public void Few_rows_of_a_linear_layer_stay_unpacked()
    {
        var rng = new Random(2);
        var w = new WeightMatrix(KernelAssert.Random(rng, 64 * 48), isNByK: true, 64, 48);
        var a = KernelAssert.Random(rng, CpuKernels.SmallRowsLimit * 64);
        var c = new float[CpuKernels.SmallRowsLimit * 48];
        CpuKernels.Instance.MatMul(a, w, [], c, CpuKernels.SmallRowsLimit);
        Assert.Same(w, w.GetOrAddPacked(x => x)); // nothing was packed before this probe
    }

    [Fact]
    public void A_copy_packed_for_another_instruction_set_is_not_used()
    {
        if (SimdSupport.Best == SimdLevel.Vector128) return; // one level only: nothing to mismatch
        var rng = new Random(4);
        int m = 40, k = 70, n = 90;
        var a = KernelAssert.Random(rng, m * k);
        var values = KernelAssert.Random(rng, k * n);
        var w = new WeightMatrix(values, isNByK: true, k, n);
        new CpuKernels(1, SimdSupport.Best).MatMul(a, w, [], new float[m * n], m);

        var narrow = new CpuKernels(1, SimdLevel.Vector128);
        var expected = new float[m * n];
        narrow.MatMulTransposed(a, values, [], expected, m, k, n);
        var actual = new float[m * n];
        narrow.MatMul(a, w, [], actual, m);
        KernelAssert.Equal(expected, actual, "Vector128 product of a weight packed for " + SimdSupport.Best);
    }

    [Fact]
    public void A_weight_of_the_wrong_size_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WeightMatrix(new float[10], isNByK: true, 3, 4));
        Assert.Contains("4 × 3 weight needs 12 values, got 10", ex.Message);
    }
}
