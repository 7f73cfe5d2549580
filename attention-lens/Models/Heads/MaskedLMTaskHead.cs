using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary><c>*ForMaskedLM</c> through <see cref="MaskedLMHead"/>: (T, V) logits.</summary>
public sealed class MaskedLMTaskHead(MaskedLMHead head) : IEncoderHead, IDifferentiableHead
{
    public ModelHead Kind => ModelHead.MaskedLM;

    public int NumLabels => 0;

    public HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens) =>
        new() { Logits = head.Logits(kernels, sequence, tokens) };

    public float Backward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens, GradientTarget target, ModelInfo info, Span<float> dSequence)
    {
        TargetGradient.CheckOutput(target, info, GradientOutput.LmLogits);
        TargetGradient.CheckPosition(target.Position, tokens);
        return head.Backward(kernels, sequence, target, dSequence);
    }
}
