using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>Gemma 2 as the body of a backward pass (the final soft-cap is the head's, in <see cref="DecoderTaskModel"/>).</summary>
public sealed partial class Gemma2Model
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * Info.HiddenSize];
        Embed.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, layers = _layers.Length, heads = Info.Heads;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var global = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, null);
        var local = _slidingWindow is null ? global : SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var y = new float[n];
        using (var probs = new Scratch(heads * t * t))
            _layers[layers - 1].Forward(kernels, forward.HiddenStates.AsSpan((layers - 1) * n, n), y, _layers[layers - 1].IsSliding ? local : global, rope, probs.Span, default, t);
        var dy = new float[n];
        _norm.Backward(y, dLast, dy, t);
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), _layers[l].IsSliding ? local : global, rope, dy, dx,
                GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        float normalizer = (float)Math.Sqrt(Info.HiddenSize);
        for (int i = 0; i < n; i++) dy[i] *= normalizer;
        return dy;
    }
}
