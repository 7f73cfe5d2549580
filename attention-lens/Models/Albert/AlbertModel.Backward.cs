using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>ALBERT as the body of a backward pass: shared layers in reverse, embedding_hidden_mapping_inᵀ, the
/// embeddings' LayerNorm (in embedding_size E).</summary>
public sealed partial class AlbertModel
{
    int IDifferentiableBody.EmbeddingSize => _config.EmbeddingSize;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _embeddings.Word.LookupRows(input.InputIds);

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, heads = Info.Heads, e = _config.EmbeddingSize;
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        // Layers share weights by group: layer l runs group GroupOf(l) at its own input.
        var dy = ReverseLayers.Run(forward.HiddenStates, (float[])dLast.Clone(), Info.Layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _groups[_config.GroupOf(l)].Backward(kernels, x, bias, dOut, dIn, dProbs, t), cancellationToken);
        var dEmbedded = new float[t * e];
        _mappingIn.Backward(kernels, dy, dEmbedded, t);
        var dWords = new float[t * e];
        _embeddings.Backward(input.InputIds, input.TokenTypeIds, Enumerable.Range(0, t).ToArray(), inputsEmbeds, dEmbedded, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
