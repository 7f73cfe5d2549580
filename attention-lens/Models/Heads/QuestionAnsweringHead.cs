using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// <c>*ForQuestionAnswering</c>: qa_outputs(h_t) gives two logits per token, split into the span's
/// start and end logits (T each), as transformers' <c>logits.split(1, dim=-1)</c>.
/// </summary>
public sealed class QuestionAnsweringHead(Linear qaOutputs) : IEncoderHead
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
}
