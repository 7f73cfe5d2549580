using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>ALBERT as the body of a backward pass: shared layers in reverse, embedding_hidden_mapping_inᵀ, the
/// embeddings' LayerNorm (in embedding_size E).</summary>
public sealed partial class AlbertModel
{
    int IDifferentiableBody.EmbeddingSize => _config.EmbeddingSize;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * _config.EmbeddingSize];
        _embeddings.Word.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, heads = Info.Heads, e = _config.EmbeddingSize;
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var dy = (float[])dLast.Clone();
        var dx = new float[n];
        for (int l = Info.Layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _groups[_config.GroupOf(l)].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        var dEmbedded = new float[t * e];
        _mappingIn.Backward(kernels, dy, dEmbedded, t);
        var dWords = new float[t * e];
        _embeddings.Backward(input.InputIds, input.TokenTypeIds, Enumerable.Range(0, t).ToArray(), inputsEmbeds, dEmbedded, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
