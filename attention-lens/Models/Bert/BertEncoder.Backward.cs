using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertEncoder"/> (BERT, RoBERTa, XLM-R, ELECTRA bodies).</summary>
public sealed partial class BertEncoder
{
    /// <summary>From ∂y/∂(hidden state L) to ∂y/∂(hidden state 0), layer by layer from the kept layer inputs.</summary>
    /// <param name="hiddenStates">(L+1, T, C) the forward's hidden states.</param>
    /// <param name="gradAttentions">(L, H, T, T) receives ∂y/∂P, or null.</param>
    public float[] Backward(IKernels kernels, float[] hiddenStates, ReadOnlySpan<float> bias, float[] dLast, float[]? gradAttentions, int tokens, int heads, CancellationToken cancellationToken)
    {
        int n = dLast.Length;
        using var scratch = new Scratch(gradAttentions is null ? heads * tokens * tokens : 0);
        var dy = (float[])dLast.Clone();
        var dx = new float[n];
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, hiddenStates.AsSpan(l * n, n), bias, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, tokens), tokens);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        return dy;
    }
}
