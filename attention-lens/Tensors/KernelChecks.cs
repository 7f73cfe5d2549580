namespace AttentionLens.Tensors;

/// <summary>Argument checks shared by the kernels: a wrong size is a programming error in the
/// caller, reported before any memory is touched.</summary>
internal static class KernelChecks
{
    public static void Gemm(int aLength, int bLength, int biasLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be non-negative (m={m}, k={k}, n={n}).");
        if (aLength < (long)m * k) throw new ArgumentException($"GEMM: A has {aLength} floats, needs m·k = {(long)m * k}.");
        if (bLength < (long)k * n) throw new ArgumentException($"GEMM: B has {bLength} floats, needs k·n = {(long)k * n}.");
        if (cLength < (long)m * n) throw new ArgumentException($"GEMM: C has {cLength} floats, needs m·n = {(long)m * n}.");
        if (biasLength != 0 && biasLength < n) throw new ArgumentException($"GEMM: bias has {biasLength} floats, needs n = {n} (or none).");
    }

    public static void Rows(int xLength, int yLength, int rows, int cols, string kernel)
    {
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"{kernel}: rows and cols must be non-negative ({rows}×{cols}).");
        if (xLength < (long)rows * cols || yLength < (long)rows * cols)
            throw new ArgumentException($"{kernel}: buffers of {xLength} and {yLength} floats are shorter than {rows}×{cols}.");
    }

    public static void Vector(int length, int needed, string what, bool optional)
    {
        if (optional && length == 0) return;
        if (length < needed) throw new ArgumentException($"{what} has {length} floats, needs {needed}{(optional ? " (or none)" : "")}.");
    }

    public static void Rope(int xLength, int tokens, int heads, int headDim, RopeTable table)
    {
        if (tokens < 0 || heads < 0 || headDim < 0 || headDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(headDim), $"Rope: tokens={tokens}, heads={heads}, headDim={headDim} (must be even).");
        if (tokens > table.MaxPositions) throw new ArgumentException($"Rope: {tokens} tokens but the table covers {table.MaxPositions} positions.");
        if (headDim != table.HeadDim) throw new ArgumentException($"Rope: head dimension {headDim} but the table was built for {table.HeadDim}.");
        if (xLength < (long)tokens * heads * headDim) throw new ArgumentException($"Rope: x has {xLength} floats, needs {(long)tokens * heads * headDim}.");
    }

    public static void Attention(int qLength, int kLength, int vLength, int biasLength, int probsLength, int contextLength,
        int tokens, int heads, int kvHeads, int headDim)
    {
        if (tokens < 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || heads % kvHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(heads), $"Attention: tokens={tokens}, heads={heads}, kvHeads={kvHeads}, headDim={headDim} (heads must be a multiple of kvHeads).");
        long t = tokens;
        if (qLength < t * heads * headDim) throw new ArgumentException($"Attention: q has {qLength} floats, needs {t * heads * headDim}.");
        if (kLength < t * kvHeads * headDim || vLength < t * kvHeads * headDim)
            throw new ArgumentException($"Attention: k/v have {kLength}/{vLength} floats, need {t * kvHeads * headDim}.");
        if (biasLength != 0 && biasLength < t * t) throw new ArgumentException($"Attention: bias has {biasLength} floats, needs T² = {t * t} (or none).");
        if (probsLength < heads * t * t) throw new ArgumentException($"Attention: probs has {probsLength} floats, needs H·T² = {heads * t * t}.");
        if (contextLength < t * heads * headDim) throw new ArgumentException($"Attention: context has {contextLength} floats, needs {t * heads * headDim}.");
    }
}
