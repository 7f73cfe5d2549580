using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The steps every <see cref="ICausalPrefixReuse.LogitsFrom"/> shares around its own layer loop:
/// checking that a cached forward can be resumed at a position, and reading the requested rows of
/// the recomputed suffix through the final norm and the LM head.
/// </summary>
public static class PrefixResume
{
    /// <summary>Refuses a resume the cache cannot serve: no head, another length, a start outside the
    /// input, or a logit row before <paramref name="start"/> (its state was not recomputed).</summary>
    public static void Check(KeyValueCache cache, int start, ForwardInput input, int[] logitRows, bool hasHead)
    {
        int t = input.Length;
        if (!hasHead) throw new AttentionLensException("this model has no LM head to compute logits with.");
        if (t != cache.Tokens || start < 0 || start >= t)
            throw new AttentionLensException($"a cached forward of {cache.Tokens} tokens cannot be resumed at position {start} of an input of {t}.");
        foreach (int r in logitRows)
            if (r < start || r >= t) throw new AttentionLensException($"logit row {r} is not among the recomputed positions {start}..{t - 1}.");
    }

    /// <param name="suffix">(T − start, C) last-layer states of positions start…T−1, before the final norm.</param>
    /// <returns>(R, V) logits of the R rows <paramref name="logitRows"/>.</returns>
    public static float[] HeadRows(IKernels kernels, ReadOnlySpan<float> suffix, int start, int[] logitRows, INorm norm, Linear head)
    {
        int c = head.InFeatures;
        var gathered = new float[logitRows.Length * c];
        for (int i = 0; i < logitRows.Length; i++)
            norm.Forward(kernels, suffix.Slice((logitRows[i] - start) * c, c), gathered.AsSpan(i * c, c), 1);
        var logits = GC.AllocateUninitializedArray<float>(checked(logitRows.Length * head.OutFeatures));
        head.Forward(kernels, gathered, logits, logitRows.Length);
        return logits;
    }

    /// <summary>Refuses an append the cache cannot serve: no head, no tokens, token type ids, or more
    /// positions than the model has.</summary>
    public static void CheckAppend(KeyValueCache cache, int count, int maxPositions, bool hasHead)
    {
        if (!hasHead) throw new AttentionLensException("this model has no LM head to compute logits with.");
        if (count == 0) throw new AttentionLensException("no tokens to append.");
        if (cache.Input.TokenTypeIds is not null)
            throw new AttentionLensException("tokens cannot be appended to an input with token type ids: give the input without them.");
        if (maxPositions > 0 && cache.Tokens + count > maxPositions)
            throw new AttentionLensException($"appending {count} tokens to {cache.Tokens} makes {cache.Tokens + count}; this model allows at most {maxPositions} positions.");
    }
}
