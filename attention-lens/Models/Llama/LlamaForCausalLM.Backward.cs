using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>The backward pass of LLaMA, Mistral and Qwen2 (<see cref="IDifferentiableModel"/>), as the body of its
/// LM head and of the task heads <see cref="DecoderTaskModel"/> puts on it.</summary>
public sealed partial class LlamaForCausalLM
{
    /// <summary>False for the bare body (GPT2Model, LlamaModel): it has no logit to differentiate.</summary>
    public bool SupportsGradients => _lmHead is not null;

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (_lmHead is null)
            throw new AttentionLensException($"this {Info.ModelType} checkpoint ({Info.Architecture}) has no head, so there is no logit to differentiate; load one with an LM or task head.");
        TargetGradient.CheckOutput(target, Info, GradientOutput.LmLogits);
        TargetGradient.CheckPosition(target.Position, input.Length);
        return GradientRunner.Run(this, _kernels, input, options,
            (kernels, last, tokens, dLast) => GradientRunner.LinearRow(kernels, _lmHead, last, target.Position, target, dLast, "vocabulary id"),
            cancellationToken);
    }

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { ComputeLogits = false, InputsEmbeds = inputsEmbeds, Threads = threads }, null, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * Info.HiddenSize];
        _embed.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    /// <summary>The final norm's backward on the last layer's output (recomputed), then the layers in reverse.</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, c = forward.Hidden, n = t * c, layers = _layers.Length, heads = Info.Heads;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        using var scratchProbsBuffer = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var y = new float[n];
        using (var probs = new Scratch(heads * t * t))
            _layers[layers - 1].Forward(kernels, forward.HiddenStates.AsSpan((layers - 1) * n, n), y, bias, rope, probs.Span, default, t);
        var dy = new float[n];
        _norm.Backward(y, dLast, dy, t);
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, rope, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratchProbsBuffer.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        return dy;
    }
}
