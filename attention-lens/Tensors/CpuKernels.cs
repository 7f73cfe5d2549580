using System.Runtime.Intrinsics;

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
        _rows = level switch
        {
            SimdLevel.Avx512 => SimdKernels<Simd512, Vector512<float>>.Instance,
            SimdLevel.Avx2 => SimdKernels<Simd256, Vector256<float>>.Instance,
            _ => SimdKernels<Simd128, Vector128<float>>.Instance,
        };
    }

    private readonly IRowKernels _rows;

    public int Threads { get; }
    public SimdLevel Level { get; }

    /// <summary>This instance when <paramref name="threads"/> is 0 or its own count, else a new one
    /// on the same instruction set (construction is a few fields, so no cache is needed).</summary>
    public IKernels WithThreads(int threads) => threads <= 0 || threads == Threads ? this : new CpuKernels(threads, Level);

    public void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => Gemm(a, b, true, bias, c, m, k, n);

    public void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => Gemm(a, b, false, bias, c, m, k, n);

    private void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool bIsNByK, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        KernelChecks.Gemm(a.Length, b.Length, bias.Length, c.Length, m, k, n);
        CheckedGemm(a, b, bIsNByK, bias, c, m, k, n, packed: null);
    }

    /// <summary>
    /// A weight's product through its packed copy, made on first use (<see cref="PackedMatrix"/>):
    /// the GEMM then skips packing B, which for BERT-base at 128 tokens is reading and transposing
    /// 340 MB per forward. Linear weights on at most <see cref="SmallRowsLimit"/> rows stay on the
    /// unpacked small-rows path, which reads each weight once anyway; a copy packed for another
    /// instruction set is not used.
    /// </summary>
    public void MatMul(ReadOnlySpan<float> a, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> c, int m)
    {
        int k = w.K, n = w.N;
        if (w.Data.Is16Bit)
        {
            KernelChecks.Gemm(a.Length, w.Data.Length, bias.Length, c.Length, m, k, n);
            Gemm16(a, w.Data.Bits.Span, w.Data.ElementType, w.IsNByK, bias, c, m, k, n);
            return;
        }
        var values = w.Data.Values.Span;
        KernelChecks.Gemm(a.Length, values.Length, bias.Length, c.Length, m, k, n);
        bool packs = !(w.IsNByK && m <= SmallRowsLimit) && k > 0 && n > 0 && m > 0;
        var packed = packs && w.GetOrAddPacked(Pack) is PackedMatrix p && p.Level == Level ? p : null;
        CheckedGemm(a, values, w.IsNByK, bias, c, m, k, n, packed);
    }

    /// <summary>C = A·op(B) (+ bias) on operands already checked: the small-rows path for a few rows of
    /// an unpacked linear weight, else the blocked GEMM (reading <paramref name="packed"/> when given).</summary>
    private unsafe void CheckedGemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool bIsNByK, ReadOnlySpan<float> bias, Span<float> c,
        int m, int k, int n, PackedMatrix? packed)
    {
        fixed (float* pa = a, pb = b, pbias = bias, pc = c)
        {
            float* biasOrNull = bias.IsEmpty ? null : pbias;
            if (packed is null && bIsNByK && m <= SmallRowsLimit && k > 0)
            {
                switch (Level)
                {
                    case SimdLevel.Avx512: SmallRows<Simd512, Vector512<float>>(pa, pb, biasOrNull, pc, m, k, n); break;
                    case SimdLevel.Avx2: SmallRows<Simd256, Vector256<float>>(pa, pb, biasOrNull, pc, m, k, n); break;
                    default: SmallRows<Simd128, Vector128<float>>(pa, pb, biasOrNull, pc, m, k, n); break;
                }

                return;
            }

            var job = new GemmArgs(pa, pb, bIsNByK, biasOrNull, pc, m, k, n) { Packed = packed };
            switch (Level)
            {
                case SimdLevel.Avx512: GemmDriver.Run<Avx512Gemm>(job, Threads); break;
                case SimdLevel.Avx2: GemmDriver.Run<Avx2Gemm>(job, Threads); break;
                default: GemmDriver.Run<VectorGemm>(job, Threads); break;
            }
        }
    }

    /// <summary>
    /// C = A·op(B) (+ bias) for a 16-bit B (bf16 or f16 weights kept as stored): few rows of a linear
    /// weight widen four rows of B at a time (<see cref="SmallRowsGemm{TS,TV}.Run16"/>), more rows go
    /// through the blocked GEMM, whose packing widens each panel (<see cref="GemmPacking"/>). A stays
    /// float32, so the result is the float32 product of the exactly widened weights.
    /// </summary>
    private unsafe void Gemm16(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, WeightElementType type, bool bIsNByK, ReadOnlySpan<float> bias,
        Span<float> c, int m, int k, int n)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pbias = bias, pc = c)
        fixed (ushort* pb = b)
        {
            float* biasOrNull = bias.IsEmpty ? null : pbias;
            if (bIsNByK && m <= SmallRowsLimit && k > 0)
            {
                switch (Level)
                {
                    case SimdLevel.Avx512: SmallRows16<Simd512, Vector512<float>>(pa, pb, type, biasOrNull, pc, m, k, n); break;
                    case SimdLevel.Avx2: SmallRows16<Simd256, Vector256<float>>(pa, pb, type, biasOrNull, pc, m, k, n); break;
                    default: SmallRows16<Simd128, Vector128<float>>(pa, pb, type, biasOrNull, pc, m, k, n); break;
                }

                return;
            }

            var job = new GemmArgs(pa, null, bIsNByK, biasOrNull, pc, m, k, n) { B16 = pb, BType = type };
            switch (Level)
            {
                case SimdLevel.Avx512: GemmDriver.Run<Avx512Gemm>(job, Threads); break;
                case SimdLevel.Avx2: GemmDriver.Run<Avx2Gemm>(job, Threads); break;
                default: GemmDriver.Run<VectorGemm>(job, Threads); break;
            }
        }
    }

    private unsafe void SmallRows16<TS, TV>(float* a, ushort* b, WeightElementType type, float* bias, float* c, int m, int k, int n)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int parts = Threads == 1 || (long)m * k * n < GemmDriver.MinParallelMacs ? 1 : Math.Min(3 * Threads, Math.Max(1, n / 64));
        if (parts == 1)
        {
            SmallRowsGemm<TS, TV>.Run16(a, b, type, Level, bias, c, m, k, n, 0, n);
            return;
        }

        var job = new SmallRowsJob<TS, TV>(a, null, bias, c, m, k, n, parts) { B16 = b, BType = type, Level = Level };
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, job.Run);
    }

    private object Pack(WeightMatrix w) => Level switch
    {
        SimdLevel.Avx512 => PackedMatrix.Create<Avx512Gemm>(w, Level),
        SimdLevel.Avx2 => PackedMatrix.Create<Avx2Gemm>(w, Level),
        _ => PackedMatrix.Create<VectorGemm>(w, Level),
    };

    /// <summary>Linear layers on at most this many rows skip packing (see <see cref="SmallRowsGemm{TS,TV}"/>).</summary>
    internal const int SmallRowsLimit = 24;

    private unsafe void SmallRows<TS, TV>(float* a, float* b, float* bias, float* c, int m, int k, int n)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int parts = Threads == 1 || (long)m * k * n < GemmDriver.MinParallelMacs ? 1 : Math.Min(3 * Threads, Math.Max(1, n / 64));
        if (parts == 1)
        {
            SmallRowsGemm<TS, TV>.Run(a, b, bias, c, m, k, n, 0, n);
            return;
        }

        var job = new SmallRowsJob<TS, TV>(a, b, bias, c, m, k, n, parts);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, job.Run);
    }

    public void Softmax(Span<float> x, int rows, int cols)
    {
        KernelChecks.Rows(x.Length, x.Length, rows, cols, "Softmax");
        _rows.Softmax(x, rows, cols);
    }

    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
    {
        KernelChecks.Rows(x.Length, y.Length, rows, cols, "LayerNorm");
        KernelChecks.Vector(gamma.Length, cols, "LayerNorm gamma", optional: false);
        KernelChecks.Vector(beta.Length, cols, "LayerNorm beta", optional: true);
        _rows.LayerNorm(x, gamma, beta, y, rows, cols, eps);
    }

    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
    {
        KernelChecks.Rows(x.Length, y.Length, rows, cols, "RmsNorm");
        KernelChecks.Vector(gamma.Length, cols, "RmsNorm gamma", optional: false);
        _rows.RmsNorm(x, gamma, y, rows, cols, eps);
    }

    /// <summary>Element-wise work at least this long is split between threads (a GELU of a
    /// 128×3072 MLP activation costs about a millisecond, far above the fork/join cost).</summary>
    internal const int MinParallelElements = 1 << 16;

    public unsafe void Activate(Span<float> x, Activation activation)
    {
        if (Threads == 1 || x.Length < MinParallelElements)
        {
            _rows.Activate(x, activation);
            return;
        }

        fixed (float* p = x)
        {
            var job = new ElementwiseJob(_rows, p, null, x.Length, Threads, activation);
            Parallel.For(0, job.Parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, job.Run);
        }
    }

    /// <summary><see cref="IKernels.ActivateBackward"/> in float lanes (<see cref="SimdActivationBackward{TS,TV}"/>), split
    /// between threads in chunks of whole 64-float blocks as <see cref="Activate"/> is.</summary>
    public unsafe void ActivateBackward(ReadOnlySpan<float> x, Span<float> dy, Activation activation)
    {
        KernelChecks.Vector(x.Length, dy.Length, "ActivateBackward x", optional: false);
        int n = dy.Length;
        int parts = Threads == 1 || n < MinParallelElements ? 1 : Math.Max(1, Math.Min(2 * Threads, n / 4096));
        if (parts == 1)
        {
            ActivateBackwardPart(x[..n], dy, activation);
            return;
        }
        fixed (float* px = x, pd = dy)
        {
            float* xs = px, ds = pd;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, part =>
            {
                int start = (int)((long)n * part / parts) & ~63;
                int end = part == parts - 1 ? n : (int)((long)n * (part + 1) / parts) & ~63;
                ActivateBackwardPart(new ReadOnlySpan<float>(xs + start, end - start), new Span<float>(ds + start, end - start), activation);
            });
        }
    }

    private void ActivateBackwardPart(ReadOnlySpan<float> x, Span<float> dy, Activation activation)
    {
        switch (Level)
        {
            case SimdLevel.Avx512: SimdActivationBackward<Simd512, Vector512<float>>.Apply(x, dy, activation); break;
            case SimdLevel.Avx2: SimdActivationBackward<Simd256, Vector256<float>>.Apply(x, dy, activation); break;
            default: SimdActivationBackward<Simd128, Vector128<float>>.Apply(x, dy, activation); break;
        }
    }

    public unsafe void SiluMultiply(Span<float> a, ReadOnlySpan<float> b)
    {
        KernelChecks.Vector(b.Length, a.Length, "SiluMultiply b", optional: false);
        if (Threads == 1 || a.Length < MinParallelElements)
        {
            _rows.SiluMultiply(a, b);
            return;
        }

        fixed (float* pa = a, pb = b)
        {
            var job = new ElementwiseJob(_rows, pa, pb, a.Length, Threads, null);
            Parallel.For(0, job.Parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, job.Run);
        }
    }

    public void Add(Span<float> a, ReadOnlySpan<float> b)
    {
        KernelChecks.Vector(b.Length, a.Length, "Add b", optional: false);
        _rows.Add(a, b);
    }

    public void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
    {
        KernelChecks.Rope(x.Length, tokens, heads, headDim, table);
        _rows.Rope(x, tokens, heads, headDim, table);
    }

    /// <summary>Multi-head attention with heads in parallel (see <see cref="IKernels.Attention"/>).</summary>
    public unsafe void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim, float scale, bool scaleQuery = false)
    {
        KernelChecks.Attention(q.Length, k.Length, v.Length, bias.Length, probs.Length, context.Length, tokens, heads, kvHeads, headDim);
        if (tokens == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pb = bias, pp = probs, pc = context)
        {
            float* biasOrNull = bias.IsEmpty ? null : pb;
            switch (Level)
            {
                case SimdLevel.Avx512: RunHeads(new AttentionJob<Avx512Gemm>(_rows, pq, pk, pv, biasOrNull, pp, pc, tokens, heads, kvHeads, headDim, scale, scaleQuery).Run, heads); break;
                case SimdLevel.Avx2: RunHeads(new AttentionJob<Avx2Gemm>(_rows, pq, pk, pv, biasOrNull, pp, pc, tokens, heads, kvHeads, headDim, scale, scaleQuery).Run, heads); break;
                default: RunHeads(new AttentionJob<VectorGemm>(_rows, pq, pk, pv, biasOrNull, pp, pc, tokens, heads, kvHeads, headDim, scale, scaleQuery).Run, heads); break;
            }
        }
    }

    private void RunHeads(Action<int> head, int heads)
    {
        if (Threads == 1 || heads == 1)
            for (int h = 0; h < heads; h++) head(h);
        else
            Parallel.For(0, heads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, head);
    }
}
