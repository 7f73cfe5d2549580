using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>The reverse mode of <see cref="DebertaV2Embeddings"/> with respect to the word rows.</summary>
public sealed partial class DebertaV2Embeddings
{
    public int EmbeddingSize => _embedding;

    /// <summary>∂/∂words = embed_projᵀ(LNᵀ(mask ⊙ dOut)) at the recomputed sum (position and token-type rows are constants).</summary>
    public void Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ReadOnlySpan<float> dOut, Span<float> dWords)
    {
        int t = input.Length;
        var sum = new float[t * _embedding];
        Sum(input, sum, inputsEmbeds);
        var dMasked = dOut[..(t * _hidden)].ToArray();
        if (input.AttentionMask is { } mask)
            for (int i = 0; i < t; i++)
                if (mask[i] == 0) dMasked.AsSpan(i * _hidden, _hidden).Clear();
        if (_project is null)
        {
            _norm.Backward(sum, dMasked, dWords, t);
            return;
        }
        var projected = new float[t * _hidden];
        _project.Forward(kernels, sum, projected, t);
        var dProjected = new float[t * _hidden];
        _norm.Backward(projected, dMasked, dProjected, t);
        _project.Backward(kernels, dProjected, dWords, t);
    }
}
