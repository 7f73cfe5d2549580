using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// <see cref="ForwardOptions.LastLayerLogitRowsOnly"/>: in a causal LM, row i of the logits reads
/// the last layer's output at row i alone; that output depends on the other rows only through the
/// layer's attention (keys and values of every row). So the last layer may compute its queries,
/// keys, values and attention probabilities for every row (the attentions stay complete) and its
/// output projection, residual, MLP and the final norm for the logit rows only: the same
/// arithmetic on the same values for those rows, hence the same logits.
/// </summary>
public static class LastLayerRows
{
    /// <summary>The rows the last layer computes its output for, or null for every row: the option
    /// is set, logits are computed by an LM head for <see cref="ForwardOptions.LogitRows"/>, the pass
    /// reaches the last layer, and nothing keeps the last layer's output at every row (the residual
    /// stream). Rows outside the input are refused here, before any work.</summary>
    public static int[]? For(ForwardOptions options, bool hasLmHead, int layers, int tokens)
    {
        if (!options.LastLayerLogitRowsOnly || !hasLmHead || !options.ComputeLogits || options.LogitRows is not { Length: > 0 } rows
            || options.CaptureResidualStream || (options.StopAfterLayer is int stop && stop < layers - 1))
            return null;
        foreach (int r in rows)
            if ((uint)r >= (uint)tokens)
                throw new AttentionLensException($"logit row {r} is outside the {tokens} tokens of the input (ForwardOptions.LogitRows).");
        return rows;
    }

    /// <summary>dst row i = src row rows[i] (rows of <paramref name="width"/> floats).</summary>
    public static void Gather(ReadOnlySpan<float> src, int width, int[] rows, Span<float> dst)
    {
        for (int i = 0; i < rows.Length; i++) src.Slice(rows[i] * width, width).CopyTo(dst.Slice(i * width, width));
    }

    /// <summary>dst row rows[i] = src row i; every other row of the (tokens, width) dst is zeroed
    /// (defined, and finite for <see cref="ForwardTrace.CheckFinite"/>).</summary>
    public static void Scatter(ReadOnlySpan<float> src, int width, int[] rows, Span<float> dst)
    {
        dst.Clear();
        for (int i = 0; i < rows.Length; i++) src.Slice(i * width, width).CopyTo(dst.Slice(rows[i] * width, width));
    }

    /// <summary>The final norm into <paramref name="hidden"/> (T, C): of every row of <paramref name="last"/>, or, when the
    /// last layer ran on <paramref name="rows"/> only (<see cref="For"/>; its output rows in that order), of those rows,
    /// scattered to their positions (<see cref="Scatter"/>).</summary>
    public static void FinalNorm(IKernels kernels, INorm norm, ReadOnlySpan<float> last, int[]? rows, Span<float> hidden, int width, int tokens)
    {
        if (rows is null)
        {
            norm.Forward(kernels, last, hidden, tokens);
            return;
        }
        int r = rows.Length;
        using var normedRows = new Scratch(r * width);
        norm.Forward(kernels, last[..(r * width)], normedRows.Span, r);
        Scatter(normedRows.Span, width, rows, hidden);
    }
}
