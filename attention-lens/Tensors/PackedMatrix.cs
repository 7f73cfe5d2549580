namespace AttentionLens.Tensors;

/// <summary>
/// A whole B operand in the packed layout <see cref="GemmDriver"/> reads, for micro-kernels NR
/// columns wide: k is cut into slices of <see cref="GemmDriver.KC"/> rows, and slice s holds
/// ⌈n/NR⌉ micro-panels back to back, panel q being the slice's rows of columns q·NR … q·NR+NR−1 as
/// kc rows of NR contiguous floats (zero past n). Slice s starts at s·KC·⌈n/NR⌉·NR, so the
/// panels of any column range of any slice are found without a table. The array is pinned (on the
/// pinned object heap), so the GEMM may keep raw pointers into it.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    private PackedMatrix(float[] data, SimdLevel level, int nr, int k, int n)
    {
        Data = data;
        Level = level;
        NR = nr;
        K = k;
        N = n;
    }

    public float[] Data { get; }

    /// <summary>The instruction set whose micro-kernel this layout is for.</summary>
    public SimdLevel Level { get; }

    public int NR { get; }
    public int K { get; }
    public int N { get; }

    /// <summary>Panels per k slice.</summary>
    public int Panels => (N + NR - 1) / NR;

    /// <summary>Start of slice <paramref name="pc"/> (a multiple of KC), column panel of column <paramref name="jc"/> (a multiple of NR).</summary>
    public float* At(int pc, int jc, int kc)
    {
        fixed (float* p = Data) return p + (nint)pc * Panels * NR + (nint)(jc / NR) * kc * NR;
    }

    /// <summary>Packs <paramref name="w"/> for the micro-kernel <typeparamref name="TK"/>.</summary>
    public static PackedMatrix Create<TK>(WeightMatrix w, SimdLevel level) where TK : struct, IGemmKernel
    {
        int k = w.K, n = w.N, nr = TK.NR, panels = (n + nr - 1) / nr;
        var data = GC.AllocateUninitializedArray<float>(checked(k * panels * nr), pinned: true);
        fixed (float* b = w.Data.Values.Span, dst = data)
        {
            var args = new GemmArgs(null, b, w.IsNByK, null, null, 0, k, n);
            for (int pc = 0; pc < k; pc += GemmDriver.KC)
            {
                int kc = Math.Min(GemmDriver.KC, k - pc);
                GemmPacking.PackB(args, dst + (nint)pc * panels * nr, pc, kc, 0, n, nr, level);
            }
        }
        return new PackedMatrix(data, level, nr, k, n);
    }
}
