using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// <c>*ForTokenClassification</c>: logits[t] = classifier(h_t), (T, NumLabels). ELECTRA's
/// discriminator (ElectraDiscriminatorPredictions, the ForPreTraining head) has a dense layer and
/// hidden_act before a one-output dense_prediction: its "replaced" logit per token, NumLabels = 1.
/// </summary>
public sealed class TokenClassifierHead(Linear? dense, Activation activation, Linear classifier) : IEncoderHead
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
}
