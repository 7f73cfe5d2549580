namespace AttentionLens.Tensors;

/// <summary>
/// The CPU backend: SIMD kernels (AVX-512, AVX2/FMA or portable 128-bit, the widest the CPU has
/// unless one is forced) with GEMM multithreaded over <see cref="Threads"/> threads. Instances are
/// immutable and safe to share between threads; scratch memory belongs to each call.
/// <see cref="ScalarKernels"/> is the specification every method here is tested against.
/// </summary>
public sealed class CpuKernels : IKernels
{
    /// <summary>All cores, widest instruction set.</summary>
    public static CpuKernels Instance { get; } = new();

    /// <param name="threads">Degree of parallelism; 0 (or less) = all cores.</param>
    public CpuKernels(int threads = 0) : this(threads, SimdSupport.Best) { }

    /// <param name="threads">Degree of parallelism; 0 (or less) = all cores.</param>
    /// <param name="level">Instruction-set path; must be supported by this CPU.</param>
    public CpuKernels(int threads, SimdLevel level)
    {
        if (!SimdSupport.IsSupported(level))
            throw new AttentionLensException($"This CPU does not support the {level} kernels; use {SimdSupport.Best} or lower.");
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        Level = level;
    }

    public int Threads { get; }
    public SimdLevel Level { get; }

    public void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => Gemm(a, b, true, bias, c, m, k, n);

    public void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => Gemm(a, b, false, bias, c, m, k, n);

    private unsafe void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool bIsNByK, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        KernelChecks.Gemm(a.Length, b.Length, bias.Length, c.Length, m, k, n);
        fixed (float* pa = a, pb = b, pbias = bias, pc = c)
        {
            float* biasOrNull = bias.IsEmpty ? null : pbias;
            switch (Level)
            {
                case SimdLevel.Avx512: GemmDriver.Run<Avx512Gemm>(pa, pb, bIsNByK, biasOrNull, pc, m, k, n, Threads); break;
                case SimdLevel.Avx2: GemmDriver.Run<Avx2Gemm>(pa, pb, bIsNByK, biasOrNull, pc, m, k, n, Threads); break;
                default: GemmDriver.Run<VectorGemm>(pa, pb, bIsNByK, biasOrNull, pc, m, k, n, Threads); break;
            }
        }
    }

    public void Softmax(Span<float> x, int rows, int cols) => ScalarKernels.Softmax(x, rows, cols);

    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
        => ScalarKernels.LayerNorm(x, gamma, beta, y, rows, cols, eps);

    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
        => ScalarKernels.RmsNorm(x, gamma, y, rows, cols, eps);

    public void Activate(Span<float> x, Activation activation) => ScalarKernels.Activate(x, activation);

    public void SiluMultiply(Span<float> a, ReadOnlySpan<float> b) => ScalarKernels.SiluMultiply(a, b);

    public void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
        => ScalarKernels.Rope(x, tokens, heads, headDim, table);
}
