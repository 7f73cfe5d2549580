namespace AttentionLens.Tensors;

/// <summary>
/// A register-blocked GEMM micro-kernel (Goto &amp; van de Geijn 2008, "Anatomy of high-performance
/// matrix multiplication"; BLIS's micro-kernel): it computes one MR×NR tile of C from MR rows of A
/// (row stride <c>lda</c>, read in place) and one packed micro-panel of B (kc rows of NR contiguous
/// floats), keeping the whole tile in vector registers across the k loop.
/// Implemented by structs so <see cref="GemmDriver"/> is specialised per instruction set at JIT time.
/// </summary>
internal interface IGemmKernel
{
    static abstract bool IsSupported { get; }

    /// <summary>The instruction set (the packing widens 16-bit weights with the same vectors).</summary>
    static abstract SimdLevel Level { get; }

    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile (a multiple of the vector width).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// c[i, j] = start[i, j] + Σ_{p &lt; kc} a[i·lda + p] · b[p·NR + j] for i &lt; MR, j &lt; NR, where
    /// start is c itself when <paramref name="accumulate"/> (a later k block) and otherwise the row
    /// <paramref name="init"/>[j] (bias or zeros) for every i.
    /// </summary>
    static abstract unsafe void Tile(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* init, bool accumulate);
}
