using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The rotary decoder families (GPT-NeoX, Phi, Phi-3, Gemma, OLMo-2) as the body of a backward pass.</summary>
public abstract partial class RotaryDecoderModel
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => Embed.LookupRows(input.InputIds);

    /// <summary>The final norm's backward on the recomputed last layer output, the layers in reverse, then
    /// ∂/∂inputs_embeds = ∂/∂h₀ times the embedding scale (Gemma's √hidden_size).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, layers = _layers.Length, heads = Info.Heads;
        var rope = Rope(t);
        var bias = Mask(input.AttentionMask, t);
        var dLastLayer = ReverseLayers.ThroughFinalNorm(kernels, forward.HiddenStates, layers, heads, t, _finalNorm, dLast,
            (l, x, y, probs) => _layers[l].Forward(kernels, x, y, bias, rope, probs, default, t));
        var dy = ReverseLayers.Run(forward.HiddenStates, dLastLayer, layers, heads, t, gradAttentions,
            (l, x, dOut, dIn, dProbs) => _layers[l].Backward(kernels, x, bias, rope, dOut, dIn, dProbs, t), cancellationToken);
        float scale = EmbeddingScale;
        if (scale != 1f)
            for (int i = 0; i < n; i++) dy[i] *= scale;
        return dy;
    }
}
