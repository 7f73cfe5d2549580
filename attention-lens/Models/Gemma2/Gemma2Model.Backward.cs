using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>Gemma 2 as the body of a backward pass (the final soft-cap is the head's, in <see cref="DecoderTaskModel"/>).</summary>
public sealed partial class Gemma2Model
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => Embed.LookupRows(input.InputIds);

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, layers = _layers.Length, heads = Info.Heads;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var global = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, null);
        var local = _slidingWindow is null ? global : SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        // Sliding-window layers alternate with global ones; each layer picks its mask.
        var dLastLayer = ReverseLayers.ThroughFinalNorm(kernels, forward.HiddenStates, layers, heads, t, _norm, dLast,
            (l, x, y, probs) => _layers[l].Forward(kernels, x, y, _layers[l].IsSliding ? local : global, rope, probs, default, t));
        var dy = ReverseLayers.Run(forward.HiddenStates, dLastLayer, layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, _layers[l].IsSliding ? local : global, rope, dOut, dIn, dProbs, t),
            cancellationToken);
        float normalizer = (float)Math.Sqrt(Info.HiddenSize);
        for (int i = 0; i < n; i++) dy[i] *= normalizer;
        return dy;
    }
}
