using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// <c>*ForQuestionAnswering</c>: qa_outputs(h_t) gives two logits per token, split into the span's
/// start and end logits (T each), as transformers' <c>logits.split(1, dim=-1)</c>.
/// </summary>
public sealed class QuestionAnsweringHead(Linear qaOutputs) : IEncoderHead, IDifferentiableHead
{
    public ModelHead Kind => ModelHead.QuestionAnswering;

    public int NumLabels => 0;

    public HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens)
    {
        using var pairBuffer = new Scratch(tokens * 2);
        var pair = pairBuffer.Span;
        qaOutputs.Forward(kernels, sequence, pair, tokens);
        var start = new float[tokens];
        var end = new float[tokens];
        for (int t = 0; t < tokens; t++)
        {
            start[t] = pair[2 * t];
            end[t] = pair[2 * t + 1];
        }
        return new HeadOutputs { StartLogits = start, EndLogits = end };
    }

    /// <summary>The start or end logit at the target position (over all positions for log-probabilities and contrasts).</summary>
    public float Backward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens, GradientTarget target, ModelInfo info, Span<float> dSequence)
    {
        TargetGradient.CheckOutput(target, info, GradientOutput.QaStartLogits, GradientOutput.QaEndLogits);
        TargetGradient.CheckPosition(target.Position, tokens);
        return GradientRunner.QuestionAnswering(kernels, qaOutputs, sequence, tokens, target, dSequence);
    }
}
