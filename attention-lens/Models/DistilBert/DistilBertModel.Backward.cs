using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>DistilBERT as the body of a backward pass.</summary>
public sealed partial class DistilBertModel
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _word.LookupRows(input.InputIds);

    /// <summary>The blocks in reverse, then the embedding LayerNorm at word + position (position rows are constants).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, heads = Info.Heads;
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        var dy = ReverseLayers.Run(forward.HiddenStates, (float[])dLast.Clone(), _layers.Length, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, bias, dOut, dIn, dProbs, t), cancellationToken);
        var sum = (float[])inputsEmbeds.Clone();
        _position.Lookup(Enumerable.Range(0, t).ToArray(), sum, accumulate: true);
        var dWords = new float[n];
        _norm.Backward(sum, dy, dWords, t);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
