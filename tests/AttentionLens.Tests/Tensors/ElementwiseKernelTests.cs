using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// The element-wise and row-wise kernels of every SIMD level this CPU runs against
/// <see cref="ScalarKernels"/>, for every length 1..<see cref="MaxLength"/> (so every tail length of
/// every vector width occurs several times). Tolerances are stated per kernel.
/// </summary>
public class ElementwiseKernelTests
{
    private const int MaxLength = 100;

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Softmax_matches_the_reference_at_every_length(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var rng = new Random(1);
        for (int cols = 1; cols <= MaxLength; cols++)
        {
            int rows = 3;
            var x = KernelAssert.Random(rng, rows * cols, 8f);
            x[cols / 2] = float.NegativeInfinity;          // a masked key in row 0
            x[cols + cols - 1] = float.MinValue;             // a dtype-min masked key in row 1
            var expected = (float[])x.Clone();
            ScalarKernels.Softmax(expected, rows, cols);
            kernels.Softmax(x, rows, cols);
            // Vector exp is within 1.8 ulp of exact (MathF.Exp 0.5), the sums differ in order and the
            // kernel multiplies by 1/sum where the reference divides: 1e-6 relative (8 ulp).
            KernelAssert.Close(expected, x, i => 1e-6 * Math.Abs(expected[i]) + 1e-12, $"{levelName} softmax cols={cols}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Fully_masked_rows_become_uniform_as_in_torch(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        foreach (int cols in new[] { 1, 5, 16, 37 })
        {
            var infRow = Enumerable.Repeat(float.NegativeInfinity, cols).ToArray();
            kernels.Softmax(infRow, 1, cols);
            Assert.All(infRow, v => Assert.Equal(1f / cols, v));

            // transformers adds finfo.min to every masked score: the row max is then one of those
            // values and the row comes out (nearly) uniform, with no NaN.
            var minRow = Enumerable.Range(0, cols).Select(j => float.MinValue + j * 1e30f).ToArray();
            var expected = (float[])minRow.Clone();
            ScalarKernels.Softmax(expected, 1, cols);
            kernels.Softmax(minRow, 1, cols);
            KernelAssert.Close(expected, minRow, i => 1e-6 * Math.Abs(expected[i]) + 1e-12, $"{levelName} dtype-min row cols={cols}");
            Assert.All(minRow, v => Assert.False(float.IsNaN(v)));
        }
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void LayerNorm_and_RmsNorm_match_the_reference_at_every_length(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var rng = new Random(2);
        for (int cols = 1; cols <= MaxLength; cols++)
        {
            int rows = 2;
            var x = KernelAssert.Random(rng, rows * cols, 3f);
            for (int i = 0; i < x.Length; i++) x[i] += 5f; // an offset makes the mean matter
            var gamma = KernelAssert.Random(rng, cols);
            var beta = KernelAssert.Random(rng, cols);
            var expected = new float[rows * cols];
            var actual = new float[rows * cols];
            // Normalised values are at most √cols; mean and variance are float sums in another order:
            // allow 1e-6 relative to |normalised·gamma| + |beta| + 1.
            ScalarKernels.LayerNorm(x, gamma, beta, expected, rows, cols, 1e-5f);
            kernels.LayerNorm(x, gamma, beta, actual, rows, cols, 1e-5f);
            KernelAssert.Close(expected, actual, i => 2e-6 * (Math.Abs(expected[i]) + 1), $"{levelName} LayerNorm cols={cols}");
            ScalarKernels.LayerNorm(x, gamma, [], expected, rows, cols, 1e-12f);
            kernels.LayerNorm(x, gamma, [], actual, rows, cols, 1e-12f);
            KernelAssert.Close(expected, actual, i => 2e-6 * (Math.Abs(expected[i]) + 1), $"{levelName} LayerNorm (no beta) cols={cols}");
            ScalarKernels.RmsNorm(x, gamma, expected, rows, cols, 1e-6f);
            kernels.RmsNorm(x, gamma, actual, rows, cols, 1e-6f);
            KernelAssert.Close(expected, actual, i => 1e-6 * Math.Abs(expected[i]) + 1e-12, $"{levelName} RmsNorm cols={cols}");
        }
    }

    [Fact]
    public void LayerNorm_may_run_in_place()
    {
        var rng = new Random(4);
        var x = KernelAssert.Random(rng, 3 * 41);
        var gamma = KernelAssert.Random(rng, 41);
        var expected = new float[x.Length];
        ScalarKernels.LayerNorm(x, gamma, [], expected, 3, 41, 1e-5f);
        CpuKernels.Instance.LayerNorm(x, gamma, [], x, 3, 41, 1e-5f);
        KernelAssert.Close(expected, x, i => 2e-6 * (Math.Abs(expected[i]) + 1), "in-place LayerNorm");
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Activations_match_the_reference_at_every_length(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var rng = new Random(3);
        for (int n = 1; n <= MaxLength; n++)
        {
            var x = KernelAssert.Random(rng, n, 9f);
            foreach (var activation in Enum.GetValues<Activation>())
            {
                var expected = (float[])x.Clone();
                var actual = (float[])x.Clone();
                ScalarKernels.Activate(expected, activation);
                kernels.Activate(actual, activation);
                string label = $"{levelName} {activation} n={n}";
                switch (activation)
                {
                    case Activation.Relu:
                        KernelAssert.Equal(expected, actual, label);
                        break;
                    default:
                        // exp/tanh in float: 2e-6 relative, and 3e-7·max(1, |x|) absolute where
                        // 1 + tanh u cancels in the reference (negative tail).
                        KernelAssert.Close(expected, actual, i => 2e-6 * Math.Abs(expected[i]) + 3e-7 * Math.Max(1, Math.Abs(x[i])), label);
                        break;
                }
            }

            var a = (float[])x.Clone();
            var b = KernelAssert.Random(rng, n);
            var expectedProduct = (float[])a.Clone();
            ScalarKernels.SiluMultiply(expectedProduct, b);
            kernels.SiluMultiply(a, b);
            KernelAssert.Close(expectedProduct, a, i => 2e-6 * Math.Abs(expectedProduct[i]) + 1e-30, $"{levelName} SiluMultiply n={n}");
        }
    }

    /// <summary>
    /// Exact GELU in float (SimdGelu) against the double-precision erf definition on a grid of
    /// 266 001 points over [−13.3, 13.3] (down to where GELU leaves the normal floats): relative
    /// error ≤ 1e-6 for |x| &lt; 2 and ≤ 2e-6 for |x| &lt; 4 (where the tail still carries weight),
    /// and everywhere 2e-6 relative + 3e-7·max(1, |x|) absolute, the bound of the other float
    /// activations. A fit or sign error shows as 1e-3 or more.
    /// </summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Exact_gelu_is_within_float_precision_of_the_erf_definition(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var x = Enumerable.Range(0, 266_001).Select(i => -13.3f + i * 1e-4f).ToArray();
        var y = (float[])x.Clone();
        kernels.Activate(y, Activation.Gelu);
        double worstBody = 0, worstAll = 0;
        float atBody = 0, atAll = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double reference = ScalarKernels.Activate(x[i], Activation.Gelu);
            double err = Math.Abs(y[i] - reference);
            double bound = Math.Abs(x[i]) < 2 ? 1e-6 * Math.Abs(reference) : Math.Abs(x[i]) < 4 ? 2e-6 * Math.Abs(reference) : double.PositiveInfinity;
            double ratioBody = err == 0 ? 0 : err / Math.Max(bound, 1e-45);
            double ratioAll = err / (2e-6 * Math.Abs(reference) + 3e-7 * Math.Max(1, Math.Abs(x[i])));
            if (ratioBody > worstBody) { worstBody = ratioBody; atBody = x[i]; }
            if (ratioAll > worstAll) { worstAll = ratioAll; atAll = x[i]; }
        }

        Assert.True(worstBody <= 1, $"{levelName}: GELU error is {worstBody:G3}× its relative bound at x = {atBody:R}");
        Assert.True(worstAll <= 1, $"{levelName}: GELU error is {worstAll:G3}× the activation bound at x = {atAll:R}");
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Rope_is_bitwise_the_reference_for_every_half_width(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var rng = new Random(6);
        for (int headDim = 2; headDim <= 2 * 40; headDim += 2)
        {
            var table = new RopeTable(9, headDim, 10000.0);
            int tokens = 7, heads = 3;
            var x = KernelAssert.Random(rng, tokens * heads * headDim);
            var expected = (float[])x.Clone();
            ScalarKernels.Rope(expected, tokens, heads, headDim, table);
            kernels.Rope(x, tokens, heads, headDim, table);
            KernelAssert.Equal(expected, x, $"{levelName} RoPE headDim={headDim}");
        }
    }

    /// <summary>Arrays long enough to be split between threads give exactly the single-threaded
    /// result (chunks start on vector boundaries, so every element takes the same path).</summary>
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Multithreaded_element_wise_kernels_equal_single_threaded_bitwise(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var one = new CpuKernels(1, level);
        var many = new CpuKernels(3, level);
        var rng = new Random(12);
        int n = CpuKernels.MinParallelElements * 2 + 37;
        var x = KernelAssert.Random(rng, n, 6f);
        var b = KernelAssert.Random(rng, n);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            var y1 = (float[])x.Clone();
            var y3 = (float[])x.Clone();
            one.Activate(y1, activation);
            many.Activate(y3, activation);
            KernelAssert.Equal(y1, y3, $"{levelName} {activation} 1 vs 3 threads");
        }

        var s1 = (float[])x.Clone();
        var s3 = (float[])x.Clone();
        one.SiluMultiply(s1, b);
        many.SiluMultiply(s3, b);
        KernelAssert.Equal(s1, s3, $"{levelName} SiluMultiply 1 vs 3 threads");
    }
}
