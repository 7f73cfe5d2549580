using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>Square double matrix product C = A · B (row-major, n × n), the one product rollout needs.</summary>
internal static class DenseMatMul
{
    /// <summary>
    /// i-k-j order: row i of C accumulates A[i, k] · B[k, :] with SIMD over the contiguous row of B.
    /// Entries A[i, k] equal to zero are skipped (causal models: half the work). Rows are split
    /// across threads when n is large enough for that to pay.
    /// </summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        if (n >= 128)
        {
            unsafe
            {
                fixed (double* pa = a, pb = b, pc = c)
                {
                    var (xa, xb, xc) = ((nint)pa, (nint)pb, (nint)pc);
                    int blocks = Math.Min(Environment.ProcessorCount * 2, n / 16);
                    Parallel.For(0, blocks, blk =>
                    {
                        int lo = (int)((long)n * blk / blocks), hi = (int)((long)n * (blk + 1) / blocks);
                        Rows(new ReadOnlySpan<double>((void*)xa, n * n), new ReadOnlySpan<double>((void*)xb, n * n), new Span<double>((void*)xc, n * n), n, lo, hi);
                    });
                }
            }
        }
        else
        {
            Rows(a, b, c, n, 0, n);
        }
    }

    private static void Rows(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n, int lo, int hi)
    {
        int w = Vector<double>.Count;
        for (int i = lo; i < hi; i++)
        {
            var ci = c.Slice(i * n, n);
            ci.Clear();
            for (int k = 0; k < n; k++)
            {
                double s = a[i * n + k];
                if (s == 0) continue;
                var bk = b.Slice(k * n, n);
                var vs = new Vector<double>(s);
                int j = 0;
                for (; j <= n - w; j += w)
                {
                    var acc = new Vector<double>(ci.Slice(j));
                    (acc + vs * new Vector<double>(bk.Slice(j))).CopyTo(ci.Slice(j));
                }
                for (; j < n; j++) ci[j] += s * bk[j];
            }
        }
    }
}
