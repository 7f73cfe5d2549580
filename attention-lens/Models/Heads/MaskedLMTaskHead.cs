using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary><c>*ForMaskedLM</c> through <see cref="MaskedLMHead"/>: (T, V) logits.</summary>
public sealed class MaskedLMTaskHead(MaskedLMHead head) : IEncoderHead
{
    public ModelHead Kind => ModelHead.MaskedLM;

    public int NumLabels => 0;

    public HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens) =>
        new() { Logits = head.Logits(kernels, sequence, tokens) };
}
