using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// <c>*ForTokenClassification</c>: logits[t] = classifier(h_t), (T, NumLabels). ELECTRA's
/// discriminator (ElectraDiscriminatorPredictions, the ForPreTraining head) has a dense layer and
/// hidden_act before a one-output dense_prediction: its "replaced" logit per token, NumLabels = 1.
/// </summary>
public sealed class TokenClassifierHead(Linear? dense, Activation activation, Linear classifier) : IEncoderHead, IDifferentiableHead
{
    public ModelHead Kind => ModelHead.TokenClassification;

    public int NumLabels => classifier.OutFeatures;

    public HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens)
    {
        var logits = new float[tokens * classifier.OutFeatures];
        if (dense is null)
        {
            classifier.Forward(kernels, sequence, logits, tokens);
        }
        else
        {
            using var hiddenBuffer = new Scratch(tokens * dense.OutFeatures);
            var hidden = hiddenBuffer.Span;
            dense.Forward(kernels, sequence, hidden, tokens);
            kernels.Activate(hidden, activation);
            classifier.Forward(kernels, hidden, logits, tokens);
        }
        return new HeadOutputs { TokenClassifierLogits = logits };
    }

    /// <summary>z = classifier([act(dense(]h_p[))]) backward to ∂y/∂h_p.</summary>
    public float Backward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens, GradientTarget target, ModelInfo info, Span<float> dSequence)
    {
        TargetGradient.CheckOutput(target, info, GradientOutput.TokenClassifierLogits);
        TargetGradient.CheckPosition(target.Position, tokens);
        int c = dense?.InFeatures ?? classifier.InFeatures;
        var row = sequence.Slice(target.Position * c, c);
        var dRow = dSequence.Slice(target.Position * c, c);
        if (dense is null) return GradientRunner.LinearRow(kernels, classifier, row, 0, target, dRow, "label");
        var pre = new float[dense.OutFeatures];
        dense.Forward(kernels, row, pre, 1);
        var hidden = (float[])pre.Clone();
        kernels.Activate(hidden, activation);
        var dHidden = new float[hidden.Length];
        float value = GradientRunner.LinearRow(kernels, classifier, hidden, 0, target, dHidden, "label");
        ActivationBackward.Apply(pre, dHidden, activation);
        dense.Backward(kernels, dHidden, dRow, 1);
        return value;
    }
}
