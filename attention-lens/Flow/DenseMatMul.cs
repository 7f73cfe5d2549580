using System.Numerics;
using System.Runtime.Intrinsics;

namespace AttentionLens.Flow;

/// <summary>Square double matrix product C = A · B (row-major, n × n), the one product rollout needs.</summary>
internal static class DenseMatMul
{
    private const int KBlock = 128;

    /// <summary>
    /// Rows are split across threads when n is large enough for that to pay. Within a thread a
    /// register-blocked kernel computes 8 (or 4) rows × 16 columns of C at a time with AVX-512 FMAs
    /// (16 accumulators of the 32 registers: 16 FMAs per 2 loads of B and 8 broadcasts of A; the
    /// 16-column strip of B is reused from cache while the rows sweep), with a SIMD
    /// row-at-a-time path for edges and for CPUs without 512-bit vectors.
    /// </summary>
    public static unsafe void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        bool lower = IsLowerTriangular(a, n) && IsLowerTriangular(b, n);
        fixed (double* pa = a, pb = b, pc = c)
        {
            var (xa, xb, xc) = ((nint)pa, (nint)pb, (nint)pc);
            int blocks = n >= 128 ? Math.Min(Environment.ProcessorCount * 2, n / 16) : 1;
            if (blocks == 1)
            {
                Rows((double*)xa, (double*)xb, (double*)xc, n, 0, n, lower);
                return;
            }
            Parallel.For(0, blocks, blk =>
            {
                int lo = (int)((long)n * blk / blocks), hi = (int)((long)n * (blk + 1) / blocks);
                Rows((double*)xa, (double*)xb, (double*)xc, n, lo, hi, lower);
            });
        }
    }

    private static bool IsLowerTriangular(ReadOnlySpan<double> m, int n)
    {
        for (int i = 0; i < n - 1; i++)
        {
            if (m.Slice(i * n + i + 1, n - i - 1).ContainsAnyExcept(0.0)) return false;
        }
        return true;
    }

    private static unsafe void Rows(double* a, double* b, double* c, int n, int lo, int hi, bool lower)
    {
        int done = lo;
        int cols = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            cols = n / 16 * 16;
            // k is cut into blocks of KBlock so the 16-column strip of B being swept (KBlock × 16
            // doubles = 16 KB) stays in L1; later blocks add to C.
            // The 8-row panel of A for one k block is packed k-major (8 consecutive doubles per k),
            // so its broadcasts read one cache line per k instead of 8 rows n doubles apart (which
            // alias in L1 when n is a multiple of 512).
            double* pack = stackalloc double[8 * KBlock];
            for (int k0 = 0; k0 < n; k0 += KBlock)
            {
                int k1 = Math.Min(n, k0 + KBlock);
                bool add = k0 > 0;
                int ib = lo;
                for (; ib + 8 <= hi; ib += 8)
                {
                    for (int k = k0; k < k1; k++)
                        for (int r = 0; r < 8; r++) pack[(k - k0) * 8 + r] = a[(long)(ib + r) * n + k];
                    for (int jb = 0; jb < cols; jb += 16)
                    {
                        // Lower-triangular A and B (causal models): C[i, j] = Σ_{j ≤ k ≤ i} A[i, k] B[k, j],
                        // so rows ib.. and columns jb.. only need k in [jb, last row].
                        int kLo = lower ? Math.Max(k0, jb) : k0;
                        int kHi = lower ? Math.Max(kLo, Math.Min(k1, ib + 8)) : k1;
                        Kernel8x16(pack + (kLo - k0) * 8, b, c, n, ib, jb, kLo, kHi, add);
                    }
                }
                for (int jb = 0; jb < cols; jb += 16)
                {
                    int kLo = lower ? Math.Max(k0, jb) : k0;
                    int i = ib;
                    for (; i + 4 <= hi; i += 4) Kernel4x16(a, b, c, n, i, jb, kLo, lower ? Math.Max(kLo, Math.Min(k1, i + 4)) : k1, add);
                    for (; i < hi; i++) Kernel1x16(a, b, c, n, i, jb, kLo, lower ? Math.Max(kLo, Math.Min(k1, i + 1)) : k1, add);
                }
            }
        }
        // Columns the blocked kernel did not cover (all of them without AVX-512): row-at-a-time.
        if (cols < n)
        {
            int w = Vector<double>.Count;
            for (int i = done; i < hi; i++)
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
    }

    /// <summary>An accumulator's start: zero for the first k block, else what C already holds.</summary>
    private static unsafe Vector512<double> Start(double* p, bool add) => add ? Vector512.Load(p) : Vector512<double>.Zero;

    /// <summary>C[ib..ib+8, jb..jb+16] (+)= A-panel · B over k in [k0, k1); <paramref name="ap"/> is the
    /// packed panel at k0 (8 values per k).</summary>
    private static unsafe void Kernel8x16(double* ap, double* b, double* c, int n, int ib, int jb, int k0, int k1, bool add)
    {
        var c00 = Start(c + (long)ib * n + jb, add); var c01 = Start(c + (long)ib * n + jb + 8, add);
        var c10 = Start(c + (long)(ib + 1) * n + jb, add); var c11 = Start(c + (long)(ib + 1) * n + jb + 8, add);
        var c20 = Start(c + (long)(ib + 2) * n + jb, add); var c21 = Start(c + (long)(ib + 2) * n + jb + 8, add);
        var c30 = Start(c + (long)(ib + 3) * n + jb, add); var c31 = Start(c + (long)(ib + 3) * n + jb + 8, add);
        var c40 = Start(c + (long)(ib + 4) * n + jb, add); var c41 = Start(c + (long)(ib + 4) * n + jb + 8, add);
        var c50 = Start(c + (long)(ib + 5) * n + jb, add); var c51 = Start(c + (long)(ib + 5) * n + jb + 8, add);
        var c60 = Start(c + (long)(ib + 6) * n + jb, add); var c61 = Start(c + (long)(ib + 6) * n + jb + 8, add);
        var c70 = Start(c + (long)(ib + 7) * n + jb, add); var c71 = Start(c + (long)(ib + 7) * n + jb + 8, add);
        double* bk = b + (long)k0 * n + jb;
        for (int k = k0; k < k1; k++, bk += n, ap += 8)
        {
            var b0 = Vector512.Load(bk);
            var b1 = Vector512.Load(bk + 8);
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
        double* cr = c + (long)ib * n + jb;
        c00.Store(cr); c01.Store(cr + 8); cr += n;
        c10.Store(cr); c11.Store(cr + 8); cr += n;
        c20.Store(cr); c21.Store(cr + 8); cr += n;
        c30.Store(cr); c31.Store(cr + 8); cr += n;
        c40.Store(cr); c41.Store(cr + 8); cr += n;
        c50.Store(cr); c51.Store(cr + 8); cr += n;
        c60.Store(cr); c61.Store(cr + 8); cr += n;
        c70.Store(cr); c71.Store(cr + 8);
    }

    private static unsafe void Kernel4x16(double* a, double* b, double* c, int n, int ib, int jb, int k0, int k1, bool add)
    {
        var c00 = Start(c + (long)ib * n + jb, add); var c01 = Start(c + (long)ib * n + jb + 8, add);
        var c10 = Start(c + (long)(ib + 1) * n + jb, add); var c11 = Start(c + (long)(ib + 1) * n + jb + 8, add);
        var c20 = Start(c + (long)(ib + 2) * n + jb, add); var c21 = Start(c + (long)(ib + 2) * n + jb + 8, add);
        var c30 = Start(c + (long)(ib + 3) * n + jb, add); var c31 = Start(c + (long)(ib + 3) * n + jb + 8, add);
        double* a0 = a + (long)ib * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
        double* bk = b + (long)k0 * n + jb;
        for (int k = k0; k < k1; k++, bk += n)
        {
            var b0 = Vector512.Load(bk);
            var b1 = Vector512.Load(bk + 8);
            var s = Vector512.Create(a0[k]);
            c00 = Vector512.FusedMultiplyAdd(s, b0, c00); c01 = Vector512.FusedMultiplyAdd(s, b1, c01);
            s = Vector512.Create(a1[k]);
            c10 = Vector512.FusedMultiplyAdd(s, b0, c10); c11 = Vector512.FusedMultiplyAdd(s, b1, c11);
            s = Vector512.Create(a2[k]);
            c20 = Vector512.FusedMultiplyAdd(s, b0, c20); c21 = Vector512.FusedMultiplyAdd(s, b1, c21);
            s = Vector512.Create(a3[k]);
            c30 = Vector512.FusedMultiplyAdd(s, b0, c30); c31 = Vector512.FusedMultiplyAdd(s, b1, c31);
        }
        double* cr = c + (long)ib * n + jb;
        c00.Store(cr); c01.Store(cr + 8); cr += n;
        c10.Store(cr); c11.Store(cr + 8); cr += n;
        c20.Store(cr); c21.Store(cr + 8); cr += n;
        c30.Store(cr); c31.Store(cr + 8);
    }

    private static unsafe void Kernel1x16(double* a, double* b, double* c, int n, int i, int jb, int k0, int k1, bool add)
    {
        var c0 = Start(c + (long)i * n + jb, add); var c1 = Start(c + (long)i * n + jb + 8, add);
        double* ai = a + (long)i * n;
        double* bk = b + (long)k0 * n + jb;
        for (int k = k0; k < k1; k++, bk += n)
        {
            var s = Vector512.Create(ai[k]);
            c0 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bk), c0);
            c1 = Vector512.FusedMultiplyAdd(s, Vector512.Load(bk + 8), c1);
        }
        double* cr = c + (long)i * n + jb;
        c0.Store(cr); c1.Store(cr + 8);
    }
}
