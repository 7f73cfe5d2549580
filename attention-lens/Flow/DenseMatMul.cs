using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionLens.Flow;

/// <summary>
/// Square double matrix product C = A · B (row-major, n × n), the one product rollout needs.
/// <see cref="MultiplyScalar"/> is the specification; <see cref="Multiply"/> is the fast path
/// tested against it.
/// </summary>
internal static class DenseMatMul
{
    private const int KBlock = 128, Strip = 16, Panel = 8;

    /// <summary>
    /// With AVX-512, B is first packed into 16-column strips stored k-major (strip s holds
    /// B[k, 16s..16s+15] for every k, contiguously). Then each thread takes a band of rows; per
    /// block of KBlock k values it packs its rows of A into 8-row panels (8 consecutive doubles per
    /// k), and for every strip sweeps the panels through an 8 × 16 register-blocked kernel
    /// (16 accumulators of the 32 registers, 16 FMAs per 2 loads of B and 8 broadcasts of A).
    /// Why pack: rows of a 512-wide matrix are 4 KB apart, so an unpacked 16-column strip touches
    /// one page and one L1 set per k — it neither stays in L1 nor in the first-level TLB. Packed,
    /// a KBlock × 16 piece of a strip is 16 KB of consecutive memory that stays in L1 while every
    /// panel of the band passes over it. Without 512-bit vectors, a row-at-a-time SIMD loop.
    /// </summary>
    public static unsafe void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        CheckLengths(a, b, c, n);
        bool lower = IsLowerTriangular(a, n) && IsLowerTriangular(b, n);
        int cols = Vector512.IsHardwareAccelerated ? n / Strip * Strip : 0;
        var packedB = cols > 0 ? ArrayPool<double>.Shared.Rent(cols * n) : [];
        try
        {
            fixed (double* pa = a, pb = b, pc = c, pp = packedB)
            {
                var (xa, xb, xc, xp) = ((nint)pa, (nint)pb, (nint)pc, (nint)pp);
                // Bands of whole panels. More bands than cores so that, when the matrices are
                // lower triangular and later rows cost more, the threads still finish together.
                int panels = (n + Panel - 1) / Panel;
                int bands = n >= 128 ? Math.Min(Environment.ProcessorCount * 4, panels) : 1;
                if (cols > 0)
                {
                    if (bands == 1) PackB((double*)xb, (double*)xp, n, cols, 0, n);
                    else Parallel.For(0, bands, t => PackB((double*)xb, (double*)xp, n, cols, n * t / bands, n * (t + 1) / bands));
                }
                if (bands == 1)
                {
                    Band((double*)xa, (double*)xb, (double*)xc, (double*)xp, n, cols, 0, n, lower);
                    return;
                }
                Parallel.For(0, bands, t =>
                {
                    int lo = Math.Min(n, panels * t / bands * Panel), hi = Math.Min(n, panels * (t + 1) / bands * Panel);
                    Band((double*)xa, (double*)xb, (double*)xc, (double*)xp, n, cols, lo, hi, lower);
                });
            }
        }
        finally
        {
            if (packedB.Length > 0) ArrayPool<double>.Shared.Return(packedB);
        }
    }

    /// <summary>The definition, C[i, j] = Σ_k A[i, k] · B[k, j], summed in k order.</summary>
    public static void MultiplyScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        CheckLengths(a, b, c, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
                c[i * n + j] = s;
            }
    }

    private static void CheckLengths(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        long nn = (long)n * n;
        if (a.Length != nn || b.Length != nn || c.Length != nn)
            throw new ArgumentException($"A, B and C must each hold n × n = {nn} values (got {a.Length}, {b.Length}, {c.Length}).");
    }

    /// <summary>
    /// Whether everything above the diagonal is zero. Compared as doubles in SIMD registers
    /// (−0.0 counts as zero): Span.ContainsAnyExcept is not vectorised for double, and scalar it
    /// cost 3 ms per 512 × 512 matrix — as much as the product it lets us halve.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsLowerTriangular(ReadOnlySpan<double> m, int n)
    {
        int w = Vector<double>.Count;
        for (int i = 0; i < n - 1; i++)
        {
            var row = m.Slice(i * n + i + 1, n - i - 1);
            int j = 0;
            for (; j <= row.Length - w; j += w)
            {
                if (!Vector.EqualsAll(new Vector<double>(row.Slice(j, w)), Vector<double>.Zero)) return false;
            }
            for (; j < row.Length; j++)
            {
                if (row[j] != 0) return false;
            }
        }
        return true;
    }

    /// <summary>Rows [<paramref name="lo"/>, <paramref name="hi"/>) of B into the strip layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackB(double* b, double* packed, int n, int cols, int lo, int hi)
    {
        for (int k = lo; k < hi; k++)
        {
            double* row = b + (long)k * n;
            for (int jb = 0; jb < cols; jb += Strip)
            {
                double* dst = packed + (long)jb * n + k * Strip;
                Vector512.Load(row + jb).Store(dst);
                Vector512.Load(row + jb + 8).Store(dst + 8);
            }
        }
    }

    /// <summary>Rows [<paramref name="lo"/>, <paramref name="hi"/>) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Band(double* a, double* b, double* c, double* packedB, int n, int cols, int lo, int hi, bool lower)
    {
        if (cols > 0)
        {
            int full = lo + (hi - lo) / Panel * Panel;
            var packedA = ArrayPool<double>.Shared.Rent(Math.Max(1, (full - lo) * KBlock));
            try
            {
                fixed (double* pa = packedA)
                {
                    for (int k0 = 0; k0 < n; k0 += KBlock)
                    {
                        int k1 = Math.Min(n, k0 + KBlock);
                        bool add = k0 > 0;
                        for (int ib = lo; ib < full; ib += Panel)
                        {
                            double* panel = pa + (long)(ib - lo) * KBlock;
                            for (int k = k0; k < k1; k++)
                                for (int r = 0; r < Panel; r++) panel[(k - k0) * Panel + r] = a[(long)(ib + r) * n + k];
                        }
                        for (int jb = 0; jb < cols; jb += Strip)
                        {
                            double* strip = packedB + (long)jb * n;
                            for (int ib = lo; ib < full; ib += Panel)
                            {
                                // Lower-triangular A and B (causal models): C[i, j] = Σ_{j ≤ k ≤ i} A[i, k] B[k, j],
                                // so rows ib.. and columns jb.. only need k in [jb, last row].
                                int kLo = lower ? Math.Max(k0, jb) : k0;
                                int kHi = lower ? Math.Max(kLo, Math.Min(k1, ib + Panel)) : k1;
                                Kernel8x16(pa + (long)(ib - lo) * KBlock + (kLo - k0) * Panel, strip + (long)kLo * Strip, c + (long)ib * n + jb, n, kHi - kLo, add);
                            }
                            for (int i = full; i < hi; i++)
                            {
                                int kLo = lower ? Math.Max(k0, jb) : k0;
                                int kHi = lower ? Math.Max(kLo, Math.Min(k1, i + 1)) : k1;
                                Kernel1x16(a + (long)i * n, strip, c + (long)i * n + jb, kLo, kHi, add);
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(packedA);
            }
        }
        if (cols < n) TailColumns(a, b, c, n, cols, lo, hi);
    }

    /// <summary>Columns [<paramref name="cols"/>, n) — all of them without AVX-512 — one row at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TailColumns(double* a, double* b, double* c, int n, int cols, int lo, int hi)
    {
        int w = Vector<double>.Count;
        for (int i = lo; i < hi; i++)
        {
            double* ci = c + (long)i * n;
            for (int j = cols; j < n; j++) ci[j] = 0;
            for (int k = 0; k < n; k++)
            {
                double s = a[(long)i * n + k];
                if (s == 0) continue;
                double* bk = b + (long)k * n;
                var vs = new Vector<double>(s);
                int j = cols;
                for (; j <= n - w; j += w)
                {
                    var acc = Vector.Load(ci + j);
                    Vector.Store(acc + vs * Vector.Load(bk + j), ci + j);
                }
                for (; j < n; j++) ci[j] += s * bk[j];
            }
        }
    }

    /// <summary>An accumulator's start: zero for the first k block, else what C already holds.</summary>
    private static unsafe Vector512<double> Start(double* p, bool add) => add ? Vector512.Load(p) : Vector512<double>.Zero;

    /// <summary>C[0..8, 0..16] (+)= panel · strip over <paramref name="depth"/> k values, with C's rows
    /// <paramref name="n"/> apart; <paramref name="ap"/> holds 8 values of A per k, <paramref name="bp"/> 16 of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel8x16(double* ap, double* bp, double* c, int n, int depth, bool add)
    {
        var c00 = Start(c, add); var c01 = Start(c + 8, add);
        var c10 = Start(c + n, add); var c11 = Start(c + n + 8, add);
        var c20 = Start(c + 2L * n, add); var c21 = Start(c + 2L * n + 8, add);
        var c30 = Start(c + 3L * n, add); var c31 = Start(c + 3L * n + 8, add);
        var c40 = Start(c + 4L * n, add); var c41 = Start(c + 4L * n + 8, add);
        var c50 = Start(c + 5L * n, add); var c51 = Start(c + 5L * n + 8, add);
        var c60 = Start(c + 6L * n, add); var c61 = Start(c + 6L * n + 8, add);
        var c70 = Start(c + 7L * n, add); var c71 = Start(c + 7L * n + 8, add);
        for (int k = 0; k < depth; k++, bp += Strip, ap += Panel)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 8);
            var s = Vector512.Create(ap[0]);
            c00 = Vector512.FusedMultiplyAdd(s, b0, c00); c01 = Vector512.FusedMultiplyAdd(s, b1, c01);
            s = Vector512.Create(ap[1]);
            c10 = Vector512.FusedMultiplyAdd(s, b0, c10); c11 = Vector512.FusedMultiplyAdd(s, b1, c11);
            s = Vector512.Create(ap[2]);
            c20 = Vector512.FusedMultiplyAdd(s, b0, c20); c21 = Vector512.FusedMultiplyAdd(s, b1, c21);
            s = Vector512.Create(ap[3]);
            c30 = Vector512.FusedMultiplyAdd(s, b0, c30); c31 = Vector512.FusedMultiplyAdd(s, b1, c31);
            s = Vector512.Create(ap[4]);
            c40 = Vector512.FusedMultiplyAdd(s, b0, c40); c41 = Vector512.FusedMultiplyAdd(s, b1, c41);
            s = Vector512.Create(ap[5]);
            c50 = Vector512.FusedMultiplyAdd(s, b0, c50); c51 = Vector512.FusedMultiplyAdd(s, b1, c51);
            s = Vector512.Create(ap[6]);
            c60 = Vector512.FusedMultiplyAdd(s, b0, c60); c61 = Vector512.FusedMultiplyAdd(s, b1, c61);
            s = Vector512.Create(ap[7]);
            c70 = Vector512.FusedMultiplyAdd(s, b0, c70); c71 = Vector512.FusedMultiplyAdd(s, b1, c71);
        }
        c00.Store(c); c01.Store(c + 8); c += n;
        c10.Store(c); c11.Store(c + 8); c += n;
        c20.Store(c); c21.Store(c + 8); c += n;
        c30.Store(c); c31.Store(c + 8); c += n;
        c40.Store(c); c41.Store(c + 8); c += n;
        c50.Store(c); c51.Store(c + 8); c += n;
        c60.Store(c); c61.Store(c + 8); c += n;
        c70.Store(c); c71.Store(c + 8);
    }

    /// <summary>One row of C over 16 columns: c[0..16] (+)= Σ_{k ∈ [k0, k1)} a[k] · strip[k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel1x16(double* a, double* strip, double* c, int k0, int k1, bool add)
    {
        var c0 = Start(c, add); var c1 = Start(c + 8, add);
        double* bk = strip + (long)k0 * Strip;
        for (int k = k0; k < k1; k++, bk += Strip)
        {
            var s = Vector512.Create(a[k]);
            c0 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bk), c0);
            c1 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bk + 8), c1);
        }
        c0.Store(c); c1.Store(c + 8);
    }
}
