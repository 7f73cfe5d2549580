using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// Every GEMM path (each SIMD micro-kernel this CPU runs, both operand layouts, with and without
/// bias) against <see cref="ScalarKernels"/>. Tolerance: both results are float32 sums of k products
/// whose error is at most γ_k·S (Higham, Accuracy and Stability, §3.1), S = Σ_p |a_ip·b_pj| + |bias_j|,
/// γ_k = k·u/(1 − k·u), u = 2⁻²⁴; so they may differ by 2γ_k·S and no more.
/// </summary>
public class GemmTests
{
    private static readonly int[] Primes = [1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67];

    /// <summary>Tile edges: every m up to two register tiles plus one and every n up to one panel
    /// plus one, so each partial-tile shape occurs.</summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Every_edge_tile_shape_matches_the_scalar_reference(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var kernels = new CpuKernels(1, level);
        var rng = new Random(11);
        int mr = 16, nr = 33; // ≥ 2·MR+1 and NR+1 of every micro-kernel (AVX-512: 8×32)
        for (int m = 1; m <= mr + 1; m++)
            for (int n = 1; n <= nr; n++)
                Check(kernels, rng, m, 1 + (m * 7 + n) % 9, n, bias: (m + n) % 2 == 0, transposed: n % 3 != 0, $"{level}");
    }

    /// <summary>Odd shapes with m, n, k from 1 to 70, primes included.</summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Odd_shapes_up_to_70_match_the_scalar_reference(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var kernels = new CpuKernels(1, level);
        var rng = new Random(5);
        foreach (int m in Primes)
            foreach (int k in new[] { 1, 2, 16, 17, 64, 67, 70 })
            {
                int n = Primes[(m + k) % Primes.Length];
                foreach (bool transposed in new[] { true, false })
                    foreach (bool bias in new[] { true, false })
                        Check(kernels, rng, m, k, n, bias, transposed, $"{level}");
            }

        for (int s = 0; s < 60; s++)
            Check(kernels, rng, rng.Next(1, 71), rng.Next(1, 71), rng.Next(1, 71), s % 2 == 0, s % 3 != 0, $"{level} random");
    }

    /// <summary>Shapes larger than one cache block (k &gt; KC = 256, n &gt; NC = 512) so partial sums are
    /// carried across k slices and column blocks.</summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Shapes_spanning_several_cache_blocks_match_the_scalar_reference(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var kernels = new CpuKernels(1, level);
        var rng = new Random(3);
        Check(kernels, rng, 40, 600, 1045, bias: true, transposed: true, $"{level}");
        Check(kernels, rng, 19, 600, 1045, bias: true, transposed: true, $"{level} (few rows: unpacked dot-product path)");
        Check(kernels, rng, 9, 513, 530, bias: false, transposed: false, $"{level}");
        Check(kernels, rng, 33, 257, 31, bias: true, transposed: false, $"{level}");
    }

    [Fact]
    public void Zero_depth_gives_the_bias_or_zeros()
    {
        var c = new float[6];
        CpuKernels.Instance.MatMulTransposed([], [], [1f, 2f, 3f], c, 2, 0, 3);
        Assert.Equal(new[] { 1f, 2f, 3f, 1f, 2f, 3f }, c);
        CpuKernels.Instance.MatMul([], [], [], c, 2, 0, 3);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    /// <summary>Work split across threads by column panels (wide C) and by row strips (narrow C)
    /// keeps every element's operation order, so results are bitwise those of one thread.</summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Multithreaded_results_equal_single_threaded_bitwise(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var one = new CpuKernels(1, level);
        var rng = new Random(9);
        foreach (var (m, k, n) in new[] { (70, 300, 700), (300, 200, 20), (128, 64, 128), (16, 771, 1030) })
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var many = new CpuKernels(threads, level);
                var a = KernelAssert.Random(rng, m * k);
                var b = KernelAssert.Random(rng, k * n);
                var bias = KernelAssert.Random(rng, n);
                var c1 = new float[m * n];
                var c2 = new float[m * n];
                one.MatMulTransposed(a, b, bias, c1, m, k, n);
                many.MatMulTransposed(a, b, bias, c2, m, k, n);
                KernelAssert.Equal(c1, c2, $"{level} linear {m}×{k}×{n}, {threads} threads");
                one.MatMul(a, b, [], c1, m, k, n);
                many.MatMul(a, b, [], c2, m, k, n);
                KernelAssert.Equal(c1, c2, $"{level} matmul {m}×{k}×{n}, {threads} threads");
            }
    }

    [Fact]
    public void Short_buffers_are_refused_before_anything_is_written()
    {
        var c = new float[4];
        var ex = Assert.Throws<ArgumentException>(() => CpuKernels.Instance.MatMul(new float[5], new float[6], [], c, 2, 3, 2));
        Assert.Contains("A has 5 floats", ex.Message);
    }

    private static void Check(CpuKernels kernels, Random rng, int m, int k, int n, bool bias, bool transposed, string label)
    {
        var a = KernelAssert.Random(rng, m * k);
        var b = KernelAssert.Random(rng, k * n);
        var bv = bias ? KernelAssert.Random(rng, n) : [];
        var expected = new float[m * n];
        var actual = new float[m * n];
        actual.AsSpan().Fill(float.NaN);
        if (transposed)
        {
            ScalarKernels.MatMulTransposed(a, b, bv, expected, m, k, n);
            kernels.MatMulTransposed(a, b, bv, actual, m, k, n);
        }
        else
        {
            ScalarKernels.MatMul(a, b, bv, expected, m, k, n);
            kernels.MatMul(a, b, bv, actual, m, k, n);
        }

        double u = Math.Pow(2, -24), gamma = k * u / (1 - k * u);
        KernelAssert.Close(expected, actual, idx =>
        {
            int i = idx / n, j = idx % n;
            double s = bias ? Math.Abs(bv[j]) : 0;
            for (int p = 0; p < k; p++)
                s += Math.Abs(a[i * k + p] * (transposed ? b[j * k + p] : b[p * n + j]));
            return 2 * gamma * s + 1e-30;
        }, $"{label} {(transposed ? "A·Bᵀ" : "A·B")} m={m} k={k} n={n} bias={bias}");
    }
}
