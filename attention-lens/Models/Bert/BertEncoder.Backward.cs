using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertEncoder"/> (BERT, RoBERTa, XLM-R, ELECTRA bodies).</summary>
public sealed partial class BertEncoder
{
    /// <summary>From ∂y/∂(hidden state L) to ∂y/∂(hidden state 0), layer by layer from the kept layer inputs.</summary>
    /// <param name="hiddenStates">(L+1, T, C) the forward's hidden states.</param>
    /// <param name="gradAttentions">(L, H, T, T) receives ∂y/∂P, or null.</param>
    /// <param name="bias">(T, T) the additive padding mask.</param>
    public float[] Backward(IKernels kernels, float[] hiddenStates, float[] bias, float[] dLast, float[]? gradAttentions, int tokens, int heads, CancellationToken cancellationToken) =>
        ReverseLayers.Run(hiddenStates, (float[])dLast.Clone(), _layers.Length, heads, tokens, gradAttentions,
            (l, x, dy, dx, dProbs) => _layers[l].Backward(kernels, x, bias, dy, dx, dProbs, tokens), cancellationToken);
}
