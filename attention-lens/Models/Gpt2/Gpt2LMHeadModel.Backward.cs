using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>The backward pass of GPT-2 (<see cref="IDifferentiableModel"/>), as the body of its LM head and of
/// the task heads <see cref="DecoderTaskModel"/> puts on it.</summary>
public sealed partial class Gpt2LMHeadModel
{
    /// <summary>False for the bare body (GPT2Model, LlamaModel): it has no logit to differentiate.</summary>
    public bool SupportsGradients => _lmHead is not null;

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default) =>
        GradientRunner.CausalLmHead(this, _kernels, _lmHead, Info, "GPT-2", input, target, options, cancellationToken);

    /// <summary>The points as one <see cref="GradientOptions.PathInputsEmbeds"/> call (batched where the body keeps its intermediates).</summary>
    public IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default) =>
        Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, Threads = threads }, cancellationToken).Points!;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { ComputeLogits = false, InputsEmbeds = inputsEmbeds, Threads = threads }, null, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _wte.LookupRows(input.InputIds);

    /// <summary>ln_f's backward on the last block's output (recomputed), then the blocks in reverse;
    /// wpe and token-type rows are added to the embeddings, so ∂/∂inputs_embeds is ∂/∂(hidden state 0).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, layers = _blocks.Length, heads = Info.Heads;
        var bias = AttentionMasks.CausalThenPadding(input.AttentionMask, t);
        var dy = ReverseLayers.ThroughFinalNorm(kernels, forward.HiddenStates, layers, heads, t, _lnF, dLast,
            (l, x, y, probs) => _blocks[l].Forward(kernels, x, y, bias, probs, default, t));
        return ReverseLayers.Run(forward.HiddenStates, dy, layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _blocks[l].Backward(kernels, x, bias, dOut, dIn, dProbs, t), cancellationToken);
    }
}
