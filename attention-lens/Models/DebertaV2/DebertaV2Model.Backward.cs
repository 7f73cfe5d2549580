using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>DeBERTa-v2 as the body of a backward pass.</summary>
public sealed partial class DebertaV2Model
{
    int IDifferentiableBody.EmbeddingSize => _embeddings.EmbeddingSize;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _embeddings.Word.LookupRows(input.InputIds);

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, heads = Info.Heads;
        var mask = PairwiseMask(input.AttentionMask, t);
        var positions = RelativePositions.Build(t, _config.PositionBuckets, _config.MaxRelativePositions);
        var dy = ReverseLayers.Run(forward.HiddenStates, (float[])dLast.Clone(), _layers.Length, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, mask, positions, dOut, dIn, dProbs, t), cancellationToken);
        var dWords = new float[t * _embeddings.EmbeddingSize];
        _embeddings.Backward(kernels, input, inputsEmbeds, dy, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
