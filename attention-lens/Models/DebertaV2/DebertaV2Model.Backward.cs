using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>DeBERTa-v2 as the body of a backward pass.</summary>
public sealed partial class DebertaV2Model
{
    int IDifferentiableBody.EmbeddingSize => _embeddings.EmbeddingSize;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * _embeddings.EmbeddingSize];
        _embeddings.Word.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, heads = Info.Heads;
        var mask = PairwiseMask(input.AttentionMask, t);
        var positions = RelativePositions.Build(t, _config.PositionBuckets, _config.MaxRelativePositions);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var dy = (float[])dLast.Clone();
        var dx = new float[n];
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), mask, positions, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        var dWords = new float[t * _embeddings.EmbeddingSize];
        _embeddings.Backward(kernels, input, inputsEmbeds, dy, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
