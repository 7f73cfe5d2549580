using System.Buffers;
using System.Runtime.CompilerServices;

namespace AttentionLens.Tensors;

/// <summary>
/// Cache-blocked, multithreaded GEMM around a register micro-kernel (the BLIS loop nest of
/// Van Zee &amp; van de Geijn 2015): for each NC-wide column block and KC-deep slice of k, B is packed
/// once into NR-wide micro-panels (KC·NC floats ≈ 512 KiB, resident in L2), then every MR-row strip
/// of A (MR·KC floats, resident in L1) is multiplied with every micro-panel. Work is split between
/// threads by column blocks (each thread packs only its own part of B) or, when C is narrow, by row
/// strips. A and C are read and written in place; only B is packed, into a pooled buffer — or not at
/// all when it is a weight packed once beforehand (<see cref="PackedMatrix"/>): packing the
/// weights again on every call cost about a sixth of a BERT-base forward.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Depth of a k slice: a packed micro-panel of B (KC·NR floats) stays in L1/L2.</summary>
    internal const int KC = 256;

    /// <summary>Width of a column block: KC·NC floats of packed B fit in a 1 MiB L2.</summary>
    internal const int NC = 512;

    /// <summary>Below this many multiply-adds the calling thread does everything: waking the
    /// thread pool costs tens of microseconds, about what 2 MFLOP take on one core.</summary>
    internal const long MinParallelMacs = 1L << 20;

    /// <summary>C[m×n] = A[m×k]·op(B) (+ bias) as <paramref name="job"/> describes it: op(B) = Bᵀ when B is
    /// n×k (a linear layer's weight), B itself when k×n; strided operands allowed.</summary>
    public static void Run<TK>(in GemmArgs job, int threads) where TK : struct, IGemmKernel
    {
        int m = job.M, k = job.K, n = job.N;
        if (job.Packed is { } packed && (packed.NR != TK.NR || packed.K != k || packed.N != n))
            throw new ArgumentException($"B was packed {packed.K}×{packed.N} for {packed.NR}-wide panels; this product needs {k}×{n} for {TK.NR}.");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) job.C[i * job.Ldc + j] = job.Bias == null ? 0f : job.Bias[j];
            return;
        }

        int mTiles = (m + TK.MR - 1) / TK.MR, nPanels = (n + TK.NR - 1) / TK.NR;
        int parts = 1;
        bool splitColumns = true;
        if (threads > 1 && (long)m * n * k >= MinParallelMacs)
        {
            // Several parts per thread let a thread that the OS delayed be helped by the others.
            if (nPanels >= threads) parts = Math.Min(nPanels, 3 * threads);
            else if (mTiles >= threads) { parts = Math.Min(mTiles, threads); splitColumns = false; }
        }

        if (parts == 1)
        {
            RunBlock<TK>(job, 0, m, 0, n);
            return;
        }

        var runner = new PartRunner<TK>(job, parts, splitColumns ? nPanels : mTiles, splitColumns);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, runner.Run);
    }

    /// <summary>Computes C[i0:i1, j0:j1]; j0 is a multiple of NR and i0 of MR.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunBlock<TK>(in GemmArgs g, int i0, int i1, int j0, int j1) where TK : struct, IGemmKernel
    {
        int mr = TK.MR, nr = TK.NR;
        int width = Math.Min(NC, j1 - j0);
        int packedLength = g.Packed is null ? KC * ((width + nr - 1) / nr * nr) : 0;
        // +16 floats so the packed panels can start on a 64-byte line (aligned vector loads).
        float[] rented = ArrayPool<float>.Shared.Rent(packedLength + 16);
        float* zeros = stackalloc float[nr];
        float* biasPanel = stackalloc float[nr];
        float* edgeA = stackalloc float[mr * KC];
        float* edgeC = stackalloc float[mr * nr];
        new Span<float>(zeros, nr).Clear();
        try
        {
            fixed (float* raw = rented)
            {
                float* packed = (float*)(((nint)raw + 63) & ~(nint)63);
                for (int jc = j0; jc < j1; jc += NC)
                {
                    int nc = Math.Min(NC, j1 - jc);
                    for (int pc = 0; pc < g.K; pc += KC)
                    {
                        int kc = Math.Min(KC, g.K - pc);
                        float* panels = packed;
                        if (g.Packed is { } whole) panels = whole.At(pc, jc, kc);
                        else GemmPacking.PackB(g, packed, pc, kc, jc, nc, nr, TK.Level);
                        for (int ir = i0; ir < i1; ir += mr)
                        {
                            int rows = Math.Min(mr, i1 - ir);
                            float* ap = g.A + ir * g.Lda + pc;
                            nint lda = g.Lda;
                            if (rows < mr)
                            {
                                GemmPacking.CopyRows(ap, g.Lda, rows, kc, edgeA, mr);
                                ap = edgeA;
                                lda = kc;
                            }

                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                int cols = Math.Min(nr, nc - jr);
                                float* bp = panels + (nint)jr * kc;
                                float* cp = g.C + ir * g.Ldc + jc + jr;
                                float* init = zeros;
                                if (pc == 0 && g.Bias != null)
                                {
                                    if (cols == nr) init = g.Bias + jc + jr;
                                    else
                                    {
                                        new Span<float>(biasPanel, nr).Clear();
                                        new ReadOnlySpan<float>(g.Bias + jc + jr, cols).CopyTo(new Span<float>(biasPanel, nr));
                                        init = biasPanel;
                                    }
                                }

                                if (rows == mr && cols == nr)
                                {
                                    TK.Tile(ap, lda, bp, kc, cp, g.Ldc, init, pc > 0);
                                    continue;
                                }

                                // Edge tile: compute a full tile into a scratch tile, keep the valid part.
                                if (pc > 0) GemmPacking.CopyTile(cp, g.Ldc, edgeC, nr, rows, cols);
                                TK.Tile(ap, lda, bp, kc, edgeC, nr, init, pc > 0);
                                GemmPacking.CopyTile(edgeC, nr, cp, g.Ldc, rows, cols);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>One part of a multithreaded GEMM: a range of column panels or of row strips.</summary>
    private sealed class PartRunner<TK>(GemmArgs job, int parts, int units, bool splitColumns) where TK : struct, IGemmKernel
    {
        public void Run(int part)
        {
            int u0 = (int)((long)units * part / parts), u1 = (int)((long)units * (part + 1) / parts);
            if (splitColumns)
                RunBlock<TK>(job, 0, job.M, u0 * TK.NR, Math.Min(job.N, u1 * TK.NR));
            else
                RunBlock<TK>(job, u0 * TK.MR, Math.Min(job.M, u1 * TK.MR), 0, job.N);
        }
    }
}
