using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>The backward pass of LLaMA, Mistral and Qwen2 (<see cref="IDifferentiableModel"/>), as the body of its
/// LM head and of the task heads <see cref="DecoderTaskModel"/> puts on it.</summary>
public sealed partial class LlamaForCausalLM
{
    /// <summary>False for the bare body (GPT2Model, LlamaModel): it has no logit to differentiate.</summary>
    public bool SupportsGradients => _lmHead is not null;

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default) =>
        GradientRunner.CausalLmHead(this, _kernels, _lmHead, Info, Info.ModelType, input, target, options, cancellationToken);

    /// <summary>The points as one <see cref="GradientOptions.PathInputsEmbeds"/> call (batched where the body keeps its intermediates).</summary>
    public IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default) =>
        Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, Threads = threads }, cancellationToken).Points!;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { ComputeLogits = false, InputsEmbeds = inputsEmbeds, Threads = threads }, null, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _embed.LookupRows(input.InputIds);

    /// <summary>The final norm's backward on the last layer's output (recomputed), then the layers in reverse.</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, layers = _layers.Length, heads = Info.Heads;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        var dy = ReverseLayers.ThroughFinalNorm(kernels, forward.HiddenStates, layers, heads, t, _norm, dLast,
            (l, x, y, probs) => _layers[l].Forward(kernels, x, y, bias, rope, probs, default, t));
        return ReverseLayers.Run(forward.HiddenStates, dy, layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, bias, rope, dOut, dIn, dProbs, t), cancellationToken);
    }
}
