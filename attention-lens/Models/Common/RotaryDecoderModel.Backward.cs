using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The rotary decoder families (GPT-NeoX, Phi, Phi-3, Gemma, OLMo-2) as the body of a backward pass.</summary>
public abstract partial class RotaryDecoderModel
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * Info.HiddenSize];
        Embed.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    /// <summary>The final norm's backward on the recomputed last layer output, the layers in reverse, then
    /// ∂/∂inputs_embeds = ∂/∂h₀ times the embedding scale (Gemma's √hidden_size).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, layers = _layers.Length, heads = Info.Heads;
        var rope = Rope(t);
        var bias = Mask(input.AttentionMask, t);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var y = new float[n];
        using (var probs = new Scratch(heads * t * t))
            _layers[layers - 1].Forward(kernels, forward.HiddenStates.AsSpan((layers - 1) * n, n), y, bias, rope, probs.Span, default, t);
        var dy = new float[n];
        _finalNorm.Backward(y, dLast, dy, t);
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, rope, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        float scale = EmbeddingScale;
        if (scale != 1f)
            for (int i = 0; i < n; i++) dy[i] *= scale;
        return dy;
    }
}
