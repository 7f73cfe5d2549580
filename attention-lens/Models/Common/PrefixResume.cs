using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// What every <see cref="ICausalPrefixReuse"/> implementation shares around its own layers: checking
/// that a cached forward can be resumed at a position or extended, running the rows after the cached
/// prefix through the layers (<see cref="RunSuffix"/>), and reading the requested rows through the
/// final norm and the LM head.
/// </summary>
public static class PrefixResume
{
    /// <summary>Writes the embeddings of <paramref name="ids"/> (the suffix's token ids) into <paramref name="x"/> (rows, C).</summary>
    public delegate void SuffixEmbedding(ReadOnlySpan<int> ids, Span<float> x);

    /// <summary>Runs layer <paramref name="layer"/> over the suffix rows <paramref name="x"/> into <paramref name="y"/>
    /// (rows, C each), reading and extending the cached keys and values of the positions before them.</summary>
    public delegate void SuffixLayer(int layer, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>
    /// Embeds the suffix <paramref name="ids"/> (positions <paramref name="start"/>…), runs it through
    /// <paramref name="layers"/> layers with two scratch buffers in turn, and returns the logits of
    /// <paramref name="logitRows"/> (<see cref="HeadRows"/>). Cancellation is checked once per layer.
    /// </summary>
    public static float[] RunSuffix(IKernels kernels, ReadOnlySpan<int> ids, int start, int hidden, int layers, int[] logitRows,
        SuffixEmbedding embed, SuffixLayer layer, INorm norm, Linear head, CancellationToken cancellationToken) =>
        RunSuffix(ids, hidden, layers, embed, layer, suffix => HeadRows(kernels, suffix, start, logitRows, norm, head), cancellationToken);

    /// <summary>Reads the logits the caller wants from the last layer's states of the suffix rows (T − start, C).</summary>
    public delegate float[] SuffixHead(ReadOnlySpan<float> suffix);

    /// <summary><see cref="RunSuffix(IKernels, ReadOnlySpan{int}, int, int, int, int[], SuffixEmbedding, SuffixLayer, INorm, Linear, CancellationToken)"/>
    /// with the model's own head path after the last layer (final norm, OPT's project_out, Gemma 2's soft-cap).</summary>
    public static float[] RunSuffix(ReadOnlySpan<int> ids, int hidden, int layers, SuffixEmbedding embed, SuffixLayer layer, SuffixHead head,
        CancellationToken cancellationToken)
    {
        int rows = ids.Length;
        using var xBuffer = new Scratch(rows * hidden);
        using var yBuffer = new Scratch(rows * hidden);
        var x = xBuffer.Span;
        var y = yBuffer.Span;
        embed(ids, x);
        for (int l = 0; l < layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            layer(l, x, y);
            var swap = x;
            x = y;
            y = swap;
        }
        return head(x);
    }

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
