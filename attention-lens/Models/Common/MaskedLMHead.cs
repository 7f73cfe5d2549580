using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The masked-LM head BERT (BertLMPredictionHead), RoBERTa (RobertaLMHead) and DistilBERT
/// (vocab_transform → vocab_layer_norm → vocab_projector) share:
/// logits = LN(act(dense(h))) · Eᵀ + bias, the decoder tied to the word embeddings.
/// </summary>
public sealed class MaskedLMHead(Linear transform, Activation activation, LayerNorm norm, Linear decoder, int vocabSize)
{
    /// <summary>(T, V) logits of the last hidden state <paramref name="hidden"/> (T, C).</summary>
    public float[] Logits(IKernels kernels, ReadOnlySpan<float> hidden, int tokens, int channels) => Logits(kernels, hidden, tokens);

    /// <summary>(T, V) logits; the transform may narrow C to a smaller embedding size E (ALBERT, ELECTRA's
    /// generator, DeBERTa-v2 with embedding_size), the norm and the tied decoder then work in E.</summary>
    public float[] Logits(IKernels kernels, ReadOnlySpan<float> hidden, int tokens)
    {
        int channels = transform.OutFeatures;
        using var hBuffer = new Scratch(tokens * channels);
        var h = hBuffer.Span;
        transform.Forward(kernels, hidden, h, tokens);
        kernels.Activate(h, activation);
        using var normedBuffer = new Scratch(tokens * channels);
        var normed = normedBuffer.Span;
        norm.Forward(kernels, h, normed, tokens);
        // Not zeroed: the decoder GEMM writes every element.
        var logits = GC.AllocateUninitializedArray<float>(tokens * vocabSize);
        decoder.Forward(kernels, normed, logits, tokens);
        return logits;
    }

    /// <summary>
    /// The logit row at the target position backward to ∂y/∂h_p: dn = decoderᵀ dz (the tied embedding),
    /// da = LNᵀ dn, dh₁ = act′ ⊙ da, dh_p = denseᵀ dh₁.
    /// </summary>
    public float Backward(IKernels kernels, ReadOnlySpan<float> hidden, GradientTarget target, Span<float> dHidden)
    {
        int c = transform.InFeatures, e = transform.OutFeatures, p = target.Position;
        var pre = new float[e];
        transform.Forward(kernels, hidden.Slice(p * c, c), pre, 1);
        var act = (float[])pre.Clone();
        kernels.Activate(act, activation);
        var normed = new float[e];
        norm.Forward(kernels, act, normed, 1);
        var dNormed = new float[e];
        float value = GradientRunner.LinearRow(kernels, decoder, normed, 0, target, dNormed, "vocabulary id");
        var dAct = new float[e];
        norm.Backward(act, dNormed, dAct, 1);
        ActivationBackward.Apply(pre, dAct, activation);
        transform.Backward(kernels, dAct, dHidden.Slice(p * c, c), 1);
        return value;
    }
}
