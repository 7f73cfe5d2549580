namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertEmbeddings"/> with respect to the word rows.</summary>
public sealed partial class BertEmbeddings
{
    /// <summary>
    /// ∂y/∂inputs_embeds = LNᵀ(dOut) at the recomputed sum: token-type and position rows are added to the
    /// word rows, so the word rows get the LayerNorm input's gradient unchanged.
    /// </summary>
    /// <param name="inputsEmbeds">The (T, C) word rows the forward used.</param>
    /// <param name="dOut">(T, C) ∂y/∂(embedding output).</param>
    /// <param name="dWords">(T, C) receives ∂y/∂inputs_embeds.</param>
    public void Backward(int[] ids, int[]? typeIds, int[] positionIds, float[] inputsEmbeds, ReadOnlySpan<float> dOut, Span<float> dWords)
    {
        int t = ids.Length;
        var sum = new float[t * _hidden];
        Sum(ids, typeIds, positionIds, sum, inputsEmbeds);
        _norm.Backward(sum, dOut, dWords, t);
    }
}
