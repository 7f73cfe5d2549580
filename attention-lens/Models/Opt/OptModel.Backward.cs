using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>OPT as the body of a backward pass (project_out is the head's, in <see cref="DecoderTaskModel"/>).</summary>
public sealed partial class OptModel
{
    int IDifferentiableBody.EmbeddingSize => Embed.Dim;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => Embed.LookupRows(input.InputIds);

    /// <summary>final_layer_norm's backward (pre-norm OPT), the layers in reverse, then project_inᵀ (the
    /// learned positions are added after it, so they pass the gradient unchanged).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, layers = _layers.Length, heads = Info.Heads;
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        // Post-norm OPT (opt-350m) has no final norm: its last hidden state is the last layer's output.
        var dLastLayer = _finalNorm is null
            ? (float[])dLast.Clone()
            : ReverseLayers.ThroughFinalNorm(kernels, forward.HiddenStates, layers, heads, t, _finalNorm, dLast,
                (l, x, y, probs) => _layers[l].Forward(kernels, x, y, bias, probs, default, t));
        var dy = ReverseLayers.Run(forward.HiddenStates, dLastLayer, layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, bias, dOut, dIn, dProbs, t), cancellationToken);
        if (_projectIn is null) return dy;
        var dWords = new float[t * Embed.Dim];
        _projectIn.Backward(kernels, dy, dWords, t);
        return dWords;
    }
}
