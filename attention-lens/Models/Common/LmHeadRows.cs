using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A causal LM head applied to the positions <see cref="ForwardOptions.LogitRows"/> names (all of them
/// when null): the final hidden states of those rows are gathered and multiplied, so a head over a
/// 128k-word vocabulary costs one row's product (2·C·V) instead of T rows'.
/// </summary>
public static class LmHeadRows
{
    /// <param name="hidden">(T, C) final hidden states.</param>
    /// <returns>(R, V) logits for the R requested rows, and the rows (null when all T).</returns>
    public static (float[] Logits, int[]? Rows) Compute(IKernels kernels, Linear head, ReadOnlySpan<float> hidden, int tokens, int[]? rows)
    {
        int c = head.InFeatures, v = head.OutFeatures;
        if (rows is null)
        {
            // Not zeroed: the head GEMM writes every element.
            var all = GC.AllocateUninitializedArray<float>(checked(tokens * v));
            head.Forward(kernels, hidden, all, tokens);
            return (all, null);
        }
        foreach (int r in rows)
            if ((uint)r >= (uint)tokens)
                throw new AttentionLensException($"logit row {r} is outside the {tokens} tokens of the input (ForwardOptions.LogitRows).");
        var gathered = new float[rows.Length * c];
        for (int i = 0; i < rows.Length; i++) hidden.Slice(rows[i] * c, c).CopyTo(gathered.AsSpan(i * c, c));
        var logits = GC.AllocateUninitializedArray<float>(checked(rows.Length * v));
        head.Forward(kernels, gathered, logits, rows.Length);
        return (logits, (int[])rows.Clone());
    }
}
