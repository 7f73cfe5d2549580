using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Rotary embeddings on the first <c>rotaryDim</c> features of every head, the rest passed through
/// unchanged: GPT-NeoX (<c>rotary_pct</c>), Phi (<c>partial_rotary_factor</c>) and every model whose
/// rotary dimension is a fraction of the head (modeling_gpt_neox.py GPTNeoXAttention: query_rot =
/// query[..., :rotary_ndims], query_pass = query[..., rotary_ndims:], rotate-half within query_rot).
/// The rotation itself is the kernels' <see cref="IKernels.Rope"/>, run on a gathered copy of the
/// rotary slices, so the kernels keep one rotary layout.
/// </summary>
public static class PartialRotary
{
    /// <summary>rotary_ndims = int(head_dim · fraction), as transformers truncates it.</summary>
    public static int Dimension(int headDim, double fraction) => (int)(headDim * fraction);

    /// <param name="x">(T, heads·headDim) queries or keys, rotated in place.</param>
    /// <param name="table">Cos/sin of <paramref name="rotaryDim"/>/2 frequencies per position.</param>
    public static void Apply(IKernels kernels, Span<float> x, int tokens, int heads, int headDim, int rotaryDim, RopeTable table)
    {
        if (rotaryDim == headDim)
        {
            kernels.Rope(x, tokens, heads, headDim, table);
            return;
        }
        if (rotaryDim <= 0 || rotaryDim > headDim || rotaryDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(rotaryDim), $"rotary dimension {rotaryDim} must be even and in 2..{headDim}.");
        int rows = tokens * heads;
        using var buffer = new Scratch(rows * rotaryDim);
        var rot = buffer.Span;
        for (int r = 0; r < rows; r++) x.Slice(r * headDim, rotaryDim).CopyTo(rot.Slice(r * rotaryDim, rotaryDim));
        kernels.Rope(rot, tokens, heads, rotaryDim, table);
        for (int r = 0; r < rows; r++) rot.Slice(r * rotaryDim, rotaryDim).CopyTo(x.Slice(r * headDim, rotaryDim));
    }
}
