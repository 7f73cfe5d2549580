using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>The backward pass of GPT-2 (<see cref="IDifferentiableModel"/>), as the body of its LM head and of
/// the task heads <see cref="DecoderTaskModel"/> puts on it.</summary>
public sealed partial class Gpt2LMHeadModel
{
    /// <summary>False for the bare body (GPT2Model, LlamaModel): it has no logit to differentiate.</summary>
    public bool SupportsGradients => _lmHead is not null;

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (_lmHead is null)
            throw new AttentionLensException("this GPT-2 checkpoint (GPT2Model) has no head, so there is no logit to differentiate; load one with an LM or task head.");
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
        _wte.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    /// <summary>ln_f's backward on the last block's output (recomputed), then the blocks in reverse;
    /// wpe and token-type rows are added to the embeddings, so ∂/∂inputs_embeds is ∂/∂(hidden state 0).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, c = forward.Hidden, n = t * c, layers = _blocks.Length, heads = Info.Heads;
        var bias = AttentionMasks.CausalThenPadding(input.AttentionMask, t);
        using var scratchProbsBuffer = new Scratch(gradAttentions is null ? heads * t * t : 0);
        using var yBuffer = new Scratch(n);
        var y = yBuffer.Span;
        // ln_f's input is the last block's output, which the forward does not keep.
        using (var probs = new Scratch(heads * t * t))
            _blocks[layers - 1].Forward(kernels, forward.HiddenStates.AsSpan((layers - 1) * n, n), y, bias, probs.Span, default, t);
        var dy = new float[n];
        _lnF.Backward(y, dLast, dy, t);
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dProbs = GradientRunner.LayerBlock(gradAttentions, scratchProbsBuffer.Span, l, heads, t);
            _blocks[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, dy, dx, dProbs, t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        return dy;
    }
}
