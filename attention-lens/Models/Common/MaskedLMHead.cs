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
}
